#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sbench/runner/runner.hpp"
#include "sbench/runner/target.hpp"

// `sbench batch`: jobs in the OpenAI Batch file format, run against your own
// servers with exactly-once answers that survive SIGKILL, reboots and full
// disks (docs/BATCH.md). Each function returns the process exit code.
namespace sbench::runner {

struct BatchAddOptions {
  std::filesystem::path queue = ".sbench/batch";
  std::vector<std::filesystem::path> files;
  std::string name;                        // default: the file's name
  std::filesystem::path output_dir = ".";  // where the output and error files go
  std::string shard;                       // "K/N", "env", "env/N": only that shard's lines
};

struct BatchRunOptions {
  std::filesystem::path queue = ".sbench/batch";
  // Base URLs of the servers to feed, e.g. one per GPU; each gets `workers`
  // requests at once. target.url is not used.
  std::vector<std::string> endpoints;
  TargetOptions target;
  // Requests at once per endpoint; 0: the recommendation in `sweep_results`
  // (by default sweep/sweep_results.json) when there is one, else 8.
  std::size_t workers = 0;
  std::optional<std::filesystem::path> sweep_results;
  std::optional<std::int64_t> job;  // only this job; default: every unfinished job in order
  int max_attempts = 3;             // for 5xx answers and timeouts; a dead server pauses instead
  // How long every endpoint may stay down before the run gives up (its
  // answers so far are kept; the next run resumes).
  std::chrono::seconds max_pause{1800};
  ProgressDisplay progress = ProgressDisplay::automatic;
  std::chrono::milliseconds progress_interval{10'000};
};

int batch_add(const BatchAddOptions& options, std::ostream& out, std::ostream& err);
int batch_run(const BatchRunOptions& options, std::ostream& out, std::ostream& err);
int batch_status(const std::filesystem::path& queue, std::ostream& out, std::ostream& err);
int batch_cancel(const std::filesystem::path& queue, std::int64_t job, std::ostream& out,
                 std::ostream& err);
int batch_retry_failed(const std::filesystem::path& queue, std::int64_t job, std::ostream& out,
                       std::ostream& err);

struct BatchMergeOptions {
  std::vector<std::filesystem::path> files;  // the shards' output (or error) files
  std::filesystem::path into;
};

// Joins the shards' files into one, checking that no custom_id appears twice.
int batch_merge(const BatchMergeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sbench::runner
