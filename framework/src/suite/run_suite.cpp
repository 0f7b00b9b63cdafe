#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "case_listing.hpp"
#include "command_line.hpp"
#include "ctest_measurements.hpp"
#include "fixtures/emergency_teardown.hpp"
#include "outcome_recorder.hpp"
#include "registry/case_registration.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/suite.hpp"

namespace sbench {
namespace {

using namespace detail;

MarkerExpression marker_selection(const Config& config) {
  MarkerExpression selection = MarkerExpression::parse(config.run.markers);
  MarkerSet declared;
  for (const auto& [marker, description] : config.markers)
    declared.insert(marker);
  require_declared(selection.mentioned(), declared,
                   "marker expression \"" + selection.text() + "\"");
  return selection;
}

std::vector<std::string> benchmark_arguments(const SuiteCommandLine& line, const Config& config) {
  std::vector<std::string> args = {line.benchmark_args.front()};
  // Before the user's flags, so an explicit --benchmark_repetitions wins.
  if (config.run.repetitions > 1) {
    args.push_back("--benchmark_repetitions=" + std::to_string(config.run.repetitions));
  }
  args.insert(args.end(), line.benchmark_args.begin() + 1, line.benchmark_args.end());
  if (line.list_cases)
    args.emplace_back("--benchmark_list_tests=true");
  return args;
}

// Returns false (after Google Benchmark said which) on flags nobody knows.
// Google Benchmark keeps a pointer to args[0], so `args` must outlive the run.
bool initialise_benchmark(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  benchmark::Initialize(&argc, argv.data());
  return !benchmark::ReportUnrecognizedArguments(argc, argv.data());
}

int exit_code_of(const SuiteOutcome& outcome, const SuiteHooks& hooks) {
  int code = exit_ok;
  if (outcome.errored > 0) {
    code = exit_error;
  } else if (outcome.runs.empty()) {
    std::cerr << "sbench: no case ran (check -m and --benchmark_filter)\n";
    code = exit_nothing_ran;
  } else if (outcome.measured == 0) {
    code = exit_all_skipped;
  }
  for (const SuiteFinisher& finish : hooks.finishers) {
    const int verdict = finish(outcome);
    if (code == exit_ok)
      code = verdict;
  }
  return code;
}

int run_cases(const SuiteCommandLine& line, const Config& config, const SuiteHooks& hooks) {
  const MarkerExpression selection = marker_selection(config);
  const std::vector<CaseDefinition> cases = registered_cases();
  validate_cases(cases, config);

  Fixtures fixtures(config);
  EmergencyTeardown teardown_guard(fixtures);
  SuiteOutcome outcome;
  outcome.config = &config;
  outcome.cases = register_selected_cases(cases, selection, config, fixtures);

  std::vector<std::string> benchmark_args = benchmark_arguments(line, config);
  if (!initialise_benchmark(benchmark_args)) {
    std::cerr << "(see --help)\n";
    return exit_usage;
  }
  if (line.list_cases) {
    for (const std::string& entry : list_case_instances(outcome.cases))
      std::cout << entry << "\n";
    return exit_ok;
  }
  OutcomeRecorder recorder(*benchmark::CreateDefaultDisplayReporter(), outcome,
                           hooks.after_each_case);
  benchmark::RunSpecifiedBenchmarks(&recorder);
  benchmark::Shutdown();
  if (ctest_measurements_wanted())
    print_ctest_measurements(outcome.runs, std::cout);
  return exit_code_of(outcome, hooks);
}

}  // namespace

int run_suite(int argc, char** argv, const SuiteHooks& hooks) {
  try {
    const SuiteCommandLine line = parse_command_line(argc, argv);
    if (line.help) {
      std::cout << command_line_help();
      benchmark::PrintDefaultHelp();
      return exit_ok;
    }
    const Config config = load_project_config(line.config_file, line.config_flags);
    return run_cases(line, config, hooks);
  } catch (const std::exception& error) {
    std::cerr << "sbench: error: " << error.what() << "\n";
    return exit_usage;
  }
}

}  // namespace sbench
