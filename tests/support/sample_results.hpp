#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace sbench::testing {

// The hand-written results documents in tests/data/results/ (the target that
// includes this defines SBENCH_RESULTS_DATA).
inline std::filesystem::path sample_results_file(const std::string& name) {
  return std::filesystem::path(SBENCH_RESULTS_DATA) / name;
}

inline nlohmann::json sample_results(const std::string& name) {
  std::ifstream in(sample_results_file(name));
  return nlohmann::json::parse(in);
}

}  // namespace sbench::testing
