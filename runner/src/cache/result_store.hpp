#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace sbench::runner {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How a job got a run's result.
enum class ResultSource { ran, cache, carried };
std::string_view to_string(ResultSource source);

// One finished run. Only successes are results; failures are attempts.
struct StoredResult {
  std::string key;
  std::string manifest;  // the canonical JSON the key is the SHA-256 of
  std::string scenario_id;
  std::string model_name;
  int repeat = 0;
  std::string template_sha256;
  std::string scenario_sha256;
  std::string answer;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double latency_ms = 0;
  bool checks_passed = true;
  std::string check_failures;       // JSON array of strings
  std::int64_t finished_at_ms = 0;  // Unix time
};

// A result as a job counts it, without the answer text: what reports need,
// small enough to hold for every run of a large job.
struct ResultSummary {
  std::string key;
  std::string run_key;  // the planned run it was counted for (a carried result's key differs)
  std::string scenario_id;
  std::string model_name;
  int repeat = 0;
  double latency_ms = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  bool checks_passed = true;
  ResultSource source = ResultSource::ran;
};

struct AttemptRecord {
  std::string job_id;
  std::string key;
  std::string scenario_id;
  std::string model_name;
  int repeat = 0;
  int attempt = 1;
  std::string outcome;  // "ok" or the error kind
  int http_status = 0;
  std::string message;
  double latency_ms = 0;
  bool final = false;  // the run gave up after this attempt
  std::int64_t at_ms = 0;
};

struct LimitEvent {
  std::string job_id;
  std::string provider;
  std::int64_t at_ms = 0;
  std::string event;  // throttled, decrease, increase, pause, quota_exhausted, ...
  double concurrency_limit = 0;
  std::string detail;
};

struct StoredManifest {
  std::string key;
  std::string manifest;
  std::int64_t finished_at_ms = 0;
};

// The SQLite (WAL) store of results, attempts, limit history and jobs
// (docs/RUNNER.md, "The result store"). Reads run on the caller's thread;
// every write goes through one writer thread, which commits what is queued
// in one transaction as soon as it arrives, so a SIGKILL loses at most runs
// that were not yet reported as done.
class ResultStore {
 public:
  // Creates the file and its directory if needed. Throws StoreError when the
  // file is not a store (corrupt, another program's database, a newer schema).
  explicit ResultStore(const std::filesystem::path& file);
  // Commits everything queued first.
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  const std::filesystem::path& file() const;

  std::optional<ResultSummary> find(const std::string& key) const;
  // The newest result of this scenario, model and repeat made from the same
  // template and scenario bytes: what --incremental carries forward.
  std::optional<ResultSummary> find_unchanged(const std::string& scenario_id,
                                              const std::string& model_name, int repeat,
                                              const std::string& template_sha256,
                                              const std::string& scenario_sha256) const;
  std::optional<StoredResult> load(const std::string& key) const;
  std::vector<StoredManifest> manifests_for(const std::string& scenario_id,
                                            const std::string& model_name) const;
  // Median latency of the model's newest results, for ETAs.
  std::optional<double> typical_latency_ms(const std::string& model_name) const;

  // The identity a model reported when last asked, for runs that do not ask
  // (--dry-run, --explain-cache --offline). `probe_key` names the model.
  std::optional<std::string> last_identity(const std::string& probe_key) const;
  void remember_identity(const std::string& probe_key, const std::string& identity_json);

  // A job is one matrix run to completion, across restarts: an unfinished
  // job with the same plan is resumed, and what it already finished counts.
  std::optional<std::string> unfinished_job(const std::string& plan_sha256) const;
  void start_job(const std::string& job_id, const std::string& plan_sha256,
                 const std::string& description);
  std::optional<std::string> latest_job() const;
  std::vector<ResultSummary> job_results(const std::string& job_id) const;
  std::vector<AttemptRecord> job_attempts(const std::string& job_id) const;
  std::vector<LimitEvent> job_limit_events(const std::string& job_id) const;

  // Writes, queued to the writer thread. `committed` runs on it after the
  // transaction that holds the write has committed.
  void put_result(const std::string& job_id, StoredResult result, ResultSource source,
                  std::function<void()> committed = {});
  // Records that this job counts the stored result `result_key` for its run
  // `run_key` (the same key when served from the cache; the older key when
  // carried forward).
  void count_result(const std::string& job_id, const std::string& run_key,
                    const std::string& result_key, ResultSource source,
                    std::function<void()> committed = {});
  void put_attempt(AttemptRecord attempt);
  void put_limit_event(LimitEvent event);
  void finish_job(const std::string& job_id, const std::string& summary_json);
  // Blocks until every queued write has committed. Throws StoreError if a
  // write failed (the disk is full, the file was removed).
  void flush();
  // A write has failed: the job should stop sending, since nothing more can
  // be kept.
  bool write_failed() const;

  // Copies every result, attempt, limit event and job of `other` that this
  // store lacks (results by key: the newer wins).
  struct MergeCounts {
    std::size_t results_added = 0;
    std::size_t results_replaced = 0;
    std::size_t attempts = 0;
  };
  MergeCounts merge_from(const std::filesystem::path& other);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::int64_t unix_ms_now();

}  // namespace sbench::runner
