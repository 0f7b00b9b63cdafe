#include "sbench/reporters/results_finisher.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <set>

#include "sbench/exit_codes.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/case_warnings.hpp"
#include "sbench/reporters/part_document.hpp"
#include "sbench/reporters/report_files.hpp"
#include "sbench/reporters/results_update.hpp"
#include "sbench/reporters/target_table.hpp"

namespace sbench::reporters {
namespace {

// The exit code the cases alone give, by run_suite's rule; the part records
// it, a missed target is the finisher's own verdict.
int cases_exit_code(const SuiteOutcome& outcome) {
  if (outcome.errored > 0)
    return exit_error;
  if (outcome.runs.empty())
    return exit_nothing_ran;
  return outcome.measured == 0 ? exit_all_skipped : exit_ok;
}

std::filesystem::path own_executable() {
  std::error_code error;
  return std::filesystem::read_symlink("/proc/self/exe", error);
}

int report_targets(const ResultsUpdate& update, const SuiteOutcome& outcome) {
  if (!update.report)
    return exit_ok;
  std::set<std::string> cases;
  for (const CaseDefinition* definition : outcome.cases)
    cases.insert(definition->name);
  const TargetReport mine = restricted_to_cases(*update.report, cases);
  if (mine.results.empty())
    return exit_ok;
  std::cout << "\n";
  print_target_table(std::cout, mine);
  return target_exit_code(mine, outcome.config->run.fail_on_target_miss);
}

}  // namespace

SuiteFinisher results_finisher(std::string suite_name) {
  // Started when main() builds its hooks, i.e. before any case ran.
  const auto started = std::chrono::system_clock::now();
  return [suite_name = std::move(suite_name), started](const SuiteOutcome& outcome) {
    const Config& config = *outcome.config;
    const SuiteInvocation invocation{.suite = suite_name,
                                     .executable = own_executable(),
                                     .started = started,
                                     .finished = std::chrono::system_clock::now(),
                                     .exit_code = cases_exit_code(outcome)};
    try {
      const std::filesystem::path part =
          part_file_path(parts_directory(config.run.output), invocation);
      const nlohmann::json document = part_document(outcome, invocation);
      write_file_atomically(part, document.dump(2) + "\n");
      print_case_warnings(std::cout, document["cases"]);
      const ResultsUpdate update = update_results(config, std::cerr);
      if (config.run.report)
        announce_reports(write_reports(update.document, config.run.output));
      return report_targets(update, outcome);
    } catch (const ResultsError& error) {
      std::cerr << "sbench: error: " << error.what() << "\n";
      return exit_error;
    } catch (const TargetsError& error) {
      std::cerr << "sbench: error: " << error.what() << "\n";
      return exit_usage;
    }
  };
}

}  // namespace sbench::reporters
