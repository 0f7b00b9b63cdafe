#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sbench/runner/sweep.hpp"

namespace sbench::runner {

// sweep_results.json (docs/SWEEP.md, "Results"): the target, every point as
// stored, the worker levels and the answer (recommended workers, ETAs with
// their band, the burst next to the sustained rate, the diagnosis), the
// open-loop rows and the goodput search.
nlohmann::json build_sweep_document(const std::vector<nlohmann::json>& points,
                                    const SweepOptions& options, const std::string& model,
                                    std::optional<int> server_pid, bool interrupted);

// Writes sweep_results.json, .md and .html (with the plots) into `directory`;
// returns the paths written.
std::vector<std::filesystem::path> write_sweep_reports(const nlohmann::json& document,
                                                       const std::filesystem::path& directory);

// The answer for the terminal.
std::string answer_text(const nlohmann::json& document);

// One line about a measured point.
std::string point_summary(const nlohmann::json& point);

}  // namespace sbench::runner
