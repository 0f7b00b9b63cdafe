#include "sbench/reporters/results_finisher.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
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

// One invocation's part: the same file rewritten after every case and at the
// end, so the merge always sees this invocation once.
class PartWriter {
 public:
  explicit PartWriter(std::string suite_name)
      : suite_(std::move(suite_name)), started_(std::chrono::system_clock::now()) {}

  // Writes the part as `outcome` stands and returns its document. Throws
  // ResultsError.
  nlohmann::json write_part(const SuiteOutcome& outcome, std::optional<int> exit_code) {
    const SuiteInvocation invocation{.suite = suite_,
                                     .executable = own_executable(),
                                     .started = started_,
                                     .finished = std::chrono::system_clock::now(),
                                     .exit_code = exit_code};
    if (part_.empty())
      part_ = part_file_path(parts_directory(outcome.config->run.output), invocation);
    nlohmann::json document = part_document(outcome, invocation);
    write_file_atomically(part_, document.dump(2) + "\n");
    return document;
  }

  // After a case: the part and the merged results file. A failure is told
  // once and the run goes on; the finisher reports it for good.
  void refresh(const SuiteOutcome& outcome) noexcept {
    // The finisher prints the merge's warnings; once per case would bury the output.
    std::ostream discard(nullptr);
    try {
      write_part(outcome, std::nullopt);
      update_results(*outcome.config, discard);
    } catch (const std::exception& error) {
      if (!refresh_failed_)
        std::cerr << "sbench: warning: results not saved after this case: " << error.what() << "\n";
      refresh_failed_ = true;
    }
  }

  int finish(const SuiteOutcome& outcome) {
    try {
      const nlohmann::json document = write_part(outcome, cases_exit_code(outcome));
      print_case_warnings(std::cout, document["cases"]);
      const ResultsUpdate update = update_results(*outcome.config, std::cerr);
      if (outcome.config->run.report)
        announce_reports(write_reports(update.document, outcome.config->run.output));
      return report_targets(update, outcome);
    } catch (const ResultsError& error) {
      std::cerr << "sbench: error: " << error.what() << "\n";
      return exit_error;
    } catch (const TargetsError& error) {
      std::cerr << "sbench: error: " << error.what() << "\n";
      return exit_usage;
    }
  }

 private:
  const std::string suite_;
  // When main() built its hooks, i.e. before any case ran.
  const std::chrono::system_clock::time_point started_;
  std::filesystem::path part_;  // chosen at the first write
  bool refresh_failed_ = false;
};

}  // namespace

SuiteHooks results_hooks(std::string suite_name) {
  const auto writer = std::make_shared<PartWriter>(std::move(suite_name));
  return {.after_each_case = {[writer](const SuiteOutcome& outcome) { writer->refresh(outcome); }},
          .finishers = {[writer](const SuiteOutcome& outcome) { return writer->finish(outcome); }}};
}

}  // namespace sbench::reporters
