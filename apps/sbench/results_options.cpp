#include "results_options.hpp"

#include <iostream>

#include "sbench/config.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/reporters/atomic_file.hpp"

namespace sbench::cli {

void ResultsOptions::add_to(CLI::App& command, bool with_output) {
  command.add_option("--config", config_file, "sbench.toml to read (default: as the suites do)");
  if (with_output)
    command.add_option("--output", output, "Results file (run.output)");
  command.add_option("--targets", targets, "Targets file (run.targets)");
  command.add_flag("--fail-on-target-miss", fail_on_target_miss,
                   "Exit 3 when a target is missed (run.fail_on_target_miss; on when CI is set)");
}

Config ResultsOptions::load() const {
  std::vector<std::pair<std::string, std::string>> flags;
  if (!output.empty())
    flags.emplace_back("--sbench-output", output);
  if (!targets.empty())
    flags.emplace_back("--sbench-targets", targets);
  if (fail_on_target_miss)
    flags.emplace_back("--sbench-fail-on-target-miss", "true");
  return load_project_config(config_file, flags);
}

int run_reporting_errors(const std::function<int()>& body) {
  try {
    return body();
  } catch (const reporters::ResultsError& error) {
    std::cerr << "sbench: error: " << error.what() << "\n";
    return sbench::exit_error;
  } catch (const std::exception& error) {
    // Bad config, targets file, results document or option value.
    std::cerr << "sbench: error: " << error.what() << "\n";
    return sbench::exit_usage;
  }
}

}  // namespace sbench::cli
