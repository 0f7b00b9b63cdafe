#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

namespace sbench::reporters {

struct MergedResults {
  nlohmann::json document;  // "targets" is null; null document when no part was usable
  int parts_used = 0;
};

// Merges every part file in `parts_dir` into one document: cases keyed by
// (suite, instance), the newest part wins; context from the newest part.
// Parts run with another backend, model, server or quick setting than the
// newest are left out, and unreadable parts are skipped; both are reported
// on `warnings` with the file's path and left where they are.
MergedResults merge_parts(const std::filesystem::path& parts_dir, std::ostream& warnings);

}  // namespace sbench::reporters
