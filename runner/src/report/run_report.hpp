#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "schedule/scheduler.hpp"

namespace sbench::runner {

class ResultStore;

// What only the process that ran the job knows; merged shards lack it.
struct JobTiming {
  std::optional<double> wall_s;
  std::optional<std::uint64_t> peak_rss_bytes;
  std::size_t planned_runs = 0;
  std::optional<SchedulerOutcome> scheduler;
};

// run_results.json (docs/RUNNER.md, "Results"): totals, per model (latency
// avg/p50/p95/p99, tokens, 429s, retries, errors by kind, checks), per
// provider (back-off vs serving, window), checks per scenario x model, the
// final failures and the limit history, all read back from the store, so a
// resumed job reports every run it holds.
nlohmann::json build_run_results(const ResultStore& store, const std::vector<std::string>& job_ids,
                                 const JobTiming& timing);

// Writes `output` (JSON) and the same name with .md and .html; returns the
// paths written.
std::vector<std::filesystem::path> write_run_reports(const nlohmann::json& results,
                                                     const std::filesystem::path& output);

// JSON text that survives what servers send: bytes that are not UTF-8 (an
// error message cut mid-character) become U+FFFD instead of an exception.
std::string json_text(const nlohmann::json& value, int indent = -1);

// The end-of-run summary for the terminal.
std::string summary_text(const nlohmann::json& results);

}  // namespace sbench::runner
