#include "sbench/reporters/part_document.hpp"

#include <unistd.h>

#include "case_entries.hpp"
#include "sbench/reporters/run_context.hpp"
#include "suite_summary.hpp"

namespace sbench::reporters {

nlohmann::json part_document(const SuiteOutcome& outcome, const SuiteInvocation& invocation) {
  nlohmann::json cases = detail::case_entries(outcome, invocation.suite);
  nlohmann::json suite = {{"name", invocation.suite},
                          {"executable", invocation.executable.string()},
                          {"started", iso8601_utc(invocation.started)},
                          {"finished", iso8601_utc(invocation.finished)},
                          {"exit_code", invocation.exit_code ? nlohmann::json(*invocation.exit_code)
                                                             : nlohmann::json(nullptr)},
                          {"invocations", 1}};
  detail::count_case_statuses(suite, cases);
  nlohmann::json checks = detail::checks_summary(cases);
  return {{"schema_version", results_schema_version},
          {"generator", "semantic-bench " SBENCH_VERSION},
          {"context", run_context(*outcome.config, invocation.finished)},
          {"suites", nlohmann::json::array({suite})},
          {"cases", std::move(cases)},
          {"checks", std::move(checks)},
          {"targets", nullptr}};
}

std::filesystem::path parts_directory(const std::filesystem::path& output) {
  std::filesystem::path parts = output;
  return parts.replace_extension(".parts");
}

std::filesystem::path part_file_path(const std::filesystem::path& parts_dir,
                                     const SuiteInvocation& invocation) {
  const auto unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(invocation.finished.time_since_epoch())
          .count();
  return parts_dir / (invocation.suite + "." + std::to_string(::getpid()) + "." +
                      std::to_string(unix_ms) + ".json");
}

}  // namespace sbench::reporters
