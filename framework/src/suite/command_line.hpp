#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sbench::detail {

// argv split into what is ours and what goes to Google Benchmark.
struct SuiteCommandLine {
  std::filesystem::path config_file;                              // --sbench-config
  std::vector<std::pair<std::string, std::string>> config_flags;  // -m becomes --sbench-markers
  bool list_cases = false;
  bool help = false;
  std::vector<std::string> benchmark_args;  // argv[0] first, order kept
};

// Throws std::invalid_argument for an unknown --sbench-* flag or a missing value.
SuiteCommandLine parse_command_line(int argc, const char* const* argv);

std::string command_line_help();

}  // namespace sbench::detail
