// `sbench targets results.json`: the target table of an existing results
// file, e.g. against another targets file.
#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "results_options.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/results_update.hpp"
#include "sbench/reporters/target_table.hpp"

namespace sbench::cli {
namespace {

struct TargetsOptions : ResultsOptions {
  std::string results_file;
};

nlohmann::json read_results(const std::string& file) {
  std::ifstream in(file);
  if (!in)
    throw reporters::ResultsError("cannot read " + file);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw reporters::ResultsError(file + ": not JSON: " + error.what());
  }
}

int check(const TargetsOptions& options) {
  const Config config = options.load();
  if (config.run.targets.empty()) {
    std::cerr << "sbench targets: no targets file (give --targets or set run.targets)\n";
    return sbench::exit_usage;
  }
  const reporters::ResultsUpdate update =
      reporters::check_targets(read_results(options.results_file), config.run.targets);
  print_target_table(std::cout, *update.report);
  return target_exit_code(*update.report, config.run.fail_on_target_miss);
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("targets", "Check an existing results file against the targets");
  auto options = std::make_shared<TargetsOptions>();
  command->add_option("results", options->results_file, "Results file (benchmark_results.json)")
      ->required();
  options->add_to(*command, false);
  command->callback([options] {
    throw CLI::RuntimeError(run_reporting_errors([&] { return check(*options); }));
  });
});

}  // namespace
}  // namespace sbench::cli
