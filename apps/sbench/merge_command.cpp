// `sbench merge`: the parts every suite invocation wrote, merged into the
// results file and checked against the targets.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "results_options.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/reporters/case_warnings.hpp"
#include "sbench/reporters/part_document.hpp"
#include "sbench/reporters/report_files.hpp"
#include "sbench/reporters/results_update.hpp"
#include "sbench/reporters/target_table.hpp"

namespace sbench::cli {
namespace {

int merge(const ResultsOptions& options) {
  const Config config = options.load();
  const reporters::ResultsUpdate update = reporters::update_results(config, std::cerr);
  if (update.parts_used == 0) {
    std::cerr << "sbench merge: no usable result parts in "
              << reporters::parts_directory(config.run.output).string() << "\n";
    return sbench::exit_nothing_ran;
  }
  std::cout << "Merged " << update.parts_used << " result parts into " << config.run.output.string()
            << "\n";
  reporters::print_case_warnings(std::cout, update.document["cases"]);
  if (config.run.report)
    reporters::announce_reports(reporters::write_reports(update.document, config.run.output));
  if (!update.report)
    return sbench::exit_ok;
  print_target_table(std::cout, *update.report);
  return target_exit_code(*update.report, config.run.fail_on_target_miss);
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "merge", "Merge the per-suite result parts into the results file and check the targets");
  auto options = std::make_shared<ResultsOptions>();
  options->add_to(*command, true);
  command->callback([options] {
    throw CLI::RuntimeError(run_reporting_errors([&] { return merge(*options); }));
  });
});

}  // namespace
}  // namespace sbench::cli
