#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace sbench::reporters {

// A results file that could not be read or written, naming the path.
class ResultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Readers never see a half-written file: writes a temporary file next to
// `file` (creating the directory), then renames it over `file`. Throws
// ResultsError naming the path and the system's reason (e.g. a full disk).
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

}  // namespace sbench::reporters
