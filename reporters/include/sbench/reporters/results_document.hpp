#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>

namespace sbench::reporters {

// A results file that cannot be used: missing, unreadable, not JSON, or not
// of results_schema_version. The message names the file and what was wrong.
class ResultsDocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The version of docs/results.schema.json that the writers write and the
// readers understand.
inline constexpr int results_schema_version = 2;

// Reads a benchmark_results.json (or part) document. Throws ResultsDocumentError.
nlohmann::json read_results_document(const std::filesystem::path& file);

}  // namespace sbench::reporters
