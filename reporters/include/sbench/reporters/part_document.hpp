#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sbench/reporters/results_document.hpp"
#include "sbench/suite.hpp"

namespace sbench::reporters {

// One run of a suite executable, as its part file records it.
struct SuiteInvocation {
  std::string suite;
  std::filesystem::path executable;
  std::chrono::system_clock::time_point started;
  // While it runs: when its latest case ended.
  std::chrono::system_clock::time_point finished;
  // nullopt (null in the part) until it ends: a part left with null is that
  // of a run that was killed.
  std::optional<int> exit_code;
};

// The results document of one suite invocation (docs/RESULTS.md). Its
// "targets" is null: targets are checked on the merged document.
nlohmann::json part_document(const SuiteOutcome& outcome, const SuiteInvocation& invocation);

// Where parts of `output` live: results.json -> results.parts/.
std::filesystem::path parts_directory(const std::filesystem::path& output);

// <parts>/<suite>.<pid>.<unix-ms>.json: unique per process and time.
std::filesystem::path part_file_path(const std::filesystem::path& parts_dir,
                                     const SuiteInvocation& invocation);

}  // namespace sbench::reporters
