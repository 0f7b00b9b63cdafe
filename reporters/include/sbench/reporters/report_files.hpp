#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <vector>

namespace sbench::reporters {

// Where a report of `results` goes by default: beside it, named after it,
// e.g. benchmark_results.json -> benchmark_results_report.html.
std::filesystem::path report_file(const std::filesystem::path& results, std::string_view extension);

// Writes the Markdown and HTML reports of `document` beside `results`
// (atomically) and returns their paths. Throws ResultsError naming the path.
std::vector<std::filesystem::path> write_reports(const nlohmann::json& document,
                                                 const std::filesystem::path& results);

// "Wrote <path>" on stdout for each.
void announce_reports(const std::vector<std::filesystem::path>& reports);

}  // namespace sbench::reporters
