#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>

namespace sbench::reporters {

// A results file that cannot be used: missing, unreadable, not JSON, or not
// schema version 1. The message names the file and what was wrong.
class ResultsDocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The schema version this reader understands.
inline constexpr int kResultsSchemaVersion = 1;

// Reads a benchmark_results.json (or part) document. Throws ResultsDocumentError.
nlohmann::json read_results_document(const std::filesystem::path& file);

// Where the suites write their merged results: run.output from
// `config_file` if given, else the sbench.toml found from the current
// directory up, else the source tree's; the SEMANTIC_BENCHMARK_* environment
// over it. Throws sbench::ConfigError.
std::filesystem::path configured_results_file(const std::filesystem::path& config_file = {});

}  // namespace sbench::reporters
