#include "cache/result_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "cache/sqlite_db.hpp"

namespace sbench::runner {
namespace {

// "sbnc": tells our stores apart from any other SQLite file.
constexpr std::int64_t kApplicationId = 0x73626e63;
// 2: job_results knows each run by its own key (a carried result's differs).
// Schema 1 came only from development builds.
constexpr int kSchemaVersion = 2;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS results(
  key TEXT PRIMARY KEY, manifest TEXT NOT NULL, scenario_id TEXT NOT NULL,
  model_name TEXT NOT NULL, repeat INTEGER NOT NULL, template_sha256 TEXT NOT NULL,
  scenario_sha256 TEXT NOT NULL, answer TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL, checks_passed INTEGER NOT NULL,
  check_failures TEXT NOT NULL, finished_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS results_by_run
  ON results(scenario_id, model_name, repeat, finished_at_ms);
CREATE TABLE IF NOT EXISTS jobs(
  job_id TEXT PRIMARY KEY, plan_sha256 TEXT NOT NULL, description TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL, finished_at_ms INTEGER, summary TEXT);
CREATE TABLE IF NOT EXISTS job_results(
  job_id TEXT NOT NULL, run_key TEXT NOT NULL, result_key TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY(job_id, run_key));
CREATE TABLE IF NOT EXISTS attempts(
  id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, key TEXT NOT NULL, scenario_id TEXT NOT NULL,
  model_name TEXT NOT NULL, repeat INTEGER NOT NULL, attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL, http_status INTEGER NOT NULL, message TEXT NOT NULL,
  latency_ms REAL NOT NULL, final INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  UNIQUE(job_id, key, attempt, outcome, at_ms));
CREATE TABLE IF NOT EXISTS limit_events(
  id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, provider TEXT NOT NULL, at_ms INTEGER NOT NULL,
  event TEXT NOT NULL, concurrency_limit REAL NOT NULL, detail TEXT NOT NULL,
  UNIQUE(job_id, provider, at_ms, event, concurrency_limit, detail));
CREATE TABLE IF NOT EXISTS identities(
  probe_key TEXT PRIMARY KEY, identity TEXT NOT NULL, seen_at_ms INTEGER NOT NULL);
)sql";

ResultSource source_from(const std::string& text) {
  if (text == "cache")
    return ResultSource::cache;
  if (text == "carried")
    return ResultSource::carried;
  return ResultSource::ran;
}

// A key's row is replaced whole: the label and scenario id of the newest run
// are the ones reports show.
constexpr const char* kUpdateEveryColumn =
    "manifest=excluded.manifest, scenario_id=excluded.scenario_id, "
    "model_name=excluded.model_name, repeat=excluded.repeat, "
    "template_sha256=excluded.template_sha256, scenario_sha256=excluded.scenario_sha256, "
    "answer=excluded.answer, prompt_tokens=excluded.prompt_tokens, "
    "completion_tokens=excluded.completion_tokens, latency_ms=excluded.latency_ms, "
    "checks_passed=excluded.checks_passed, check_failures=excluded.check_failures, "
    "finished_at_ms=excluded.finished_at_ms";

constexpr const char* kSummaryColumns =
    "r.key, r.scenario_id, r.model_name, r.repeat, r.latency_ms, r.prompt_tokens, "
    "r.completion_tokens, r.checks_passed";

ResultSummary read_summary(const SqliteStatement& row) {
  ResultSummary summary;
  summary.key = row.text(0);
  summary.scenario_id = row.text(1);
  summary.model_name = row.text(2);
  summary.repeat = static_cast<int>(row.integer(3));
  summary.latency_ms = row.real(4);
  summary.prompt_tokens = row.integer(5);
  summary.completion_tokens = row.integer(6);
  summary.checks_passed = row.integer(7) != 0;
  return summary;
}

void record_in_job(SqliteDb& db, const std::string& job_id, const std::string& run_key,
                   const std::string& result_key, ResultSource source) {
  SqliteStatement counted(db,
                          "INSERT OR REPLACE INTO job_results(job_id, run_key, result_key, source) "
                          "VALUES(?, ?, ?, ?)");
  counted.bind(1, job_id).bind(2, run_key).bind(3, result_key).bind(4, to_string(source));
  counted.run();
}

std::int64_t query_integer(SqliteDb& db, const char* sql) {
  // Finalized before returning: an open statement holds a read transaction,
  // inside which the journal mode cannot change nor a database be detached.
  SqliteStatement query(db, sql);
  query.step();
  return query.integer(0);
}

void prepare_schema(SqliteDb& db, const std::filesystem::path& file) {
  const bool empty = query_integer(db, "SELECT count(*) FROM sqlite_master") == 0;
  if (!empty && query_integer(db, "PRAGMA application_id") != kApplicationId) {
    throw StoreError(file.string() +
                     ": not a semantic-bench result store (another program's SQLite database); "
                     "give --store another path");
  }
  const std::int64_t version = query_integer(db, "PRAGMA user_version");
  if (!empty && version < kSchemaVersion) {
    throw StoreError(file.string() + ": an older store layout (schema " + std::to_string(version) +
                     ", this one reads " + std::to_string(kSchemaVersion) +
                     "); remove it or give --store another path");
  }
  if (version > kSchemaVersion) {
    throw StoreError(file.string() + ": written by a newer semantic-bench (store schema " +
                     std::to_string(version) + ", this one reads " +
                     std::to_string(kSchemaVersion) + ")");
  }
  db.exec("PRAGMA journal_mode=WAL");
  // WAL with synchronous=NORMAL keeps every commit across a crash of the
  // process (SIGKILL); only a power loss may drop the newest commits.
  db.exec("PRAGMA synchronous=NORMAL");
  db.transaction([&] {
    db.exec(kSchema);
    db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  });
}

}  // namespace

std::string_view to_string(ResultSource source) {
  switch (source) {
    case ResultSource::ran:
      return "ran";
    case ResultSource::cache:
      return "cache";
    case ResultSource::carried:
      return "carried";
  }
  return "?";
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ResultStore::Impl {
  using Write = std::function<void(SqliteDb&)>;

  std::filesystem::path file;
  std::unique_ptr<SqliteDb> reader;
  mutable std::mutex reader_mutex;

  std::mutex queue_mutex;
  std::condition_variable queue_changed;
  std::deque<std::pair<Write, std::function<void()>>> queue;
  std::size_t in_transaction = 0;
  bool stopping = false;
  std::string write_error;
  std::atomic<bool> write_failed{false};
  std::thread writer;

  void write_loop(std::unique_ptr<SqliteDb> db) {
    std::unique_lock lock(queue_mutex);
    while (true) {
      queue_changed.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping)
        return;
      std::deque<std::pair<Write, std::function<void()>>> batch;
      batch.swap(queue);
      in_transaction = batch.size();
      lock.unlock();
      std::string error;
      try {
        db->transaction([&] {
          for (auto& [write, committed] : batch)
            write(*db);
        });
      } catch (const std::exception& failure) {
        error = failure.what();
      }
      if (error.empty()) {
        for (auto& [write, committed] : batch) {
          if (committed)
            committed();
        }
      }
      lock.lock();
      if (!error.empty() && write_error.empty()) {
        write_error = error;
        write_failed = true;
      }
      in_transaction = 0;
      queue_changed.notify_all();
    }
  }

  void enqueue(Write write, std::function<void()> committed = {}) {
    {
      std::lock_guard lock(queue_mutex);
      queue.emplace_back(std::move(write), std::move(committed));
    }
    queue_changed.notify_all();
  }
};

ResultStore::ResultStore(const std::filesystem::path& file) : impl_(std::make_unique<Impl>()) {
  impl_->file = file;
  std::error_code error;
  if (file.has_parent_path())
    std::filesystem::create_directories(file.parent_path(), error);
  try {
    auto writer = std::make_unique<SqliteDb>(file, false);
    prepare_schema(*writer, file);
    impl_->reader = std::make_unique<SqliteDb>(file, true);
    impl_->writer = std::thread([impl = impl_.get(), db = std::move(writer)]() mutable {
      impl->write_loop(std::move(db));
    });
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& failure) {
    throw StoreError(file.string() + ": " + failure.what());
  }
}

ResultStore::~ResultStore() {
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->stopping = true;
  }
  impl_->queue_changed.notify_all();
  if (impl_->writer.joinable())
    impl_->writer.join();
}

const std::filesystem::path& ResultStore::file() const {
  return impl_->file;
}

bool ResultStore::write_failed() const {
  return impl_->write_failed;
}

std::optional<ResultSummary> ResultStore::find(const std::string& key) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(
      *impl_->reader,
      (std::string("SELECT ") + kSummaryColumns + " FROM results r WHERE key = ?").c_str());
  query.bind(1, key);
  if (!query.step())
    return std::nullopt;
  return read_summary(query);
}

std::optional<ResultSummary> ResultStore::find_unchanged(const std::string& scenario_id,
                                                         const std::string& model_name, int repeat,
                                                         const std::string& template_sha256,
                                                         const std::string& scenario_sha256) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(
      *impl_->reader,
      (std::string("SELECT ") + kSummaryColumns +
       " FROM results r WHERE scenario_id = ? AND model_name = ? AND repeat = ? AND "
       "template_sha256 = ? AND scenario_sha256 = ? ORDER BY finished_at_ms DESC LIMIT 1")
          .c_str());
  query.bind(1, scenario_id).bind(2, model_name).bind(3, repeat).bind(4, template_sha256);
  query.bind(5, scenario_sha256);
  if (!query.step())
    return std::nullopt;
  return read_summary(query);
}

std::optional<StoredResult> ResultStore::load(const std::string& key) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT key, manifest, scenario_id, model_name, repeat, template_sha256, "
                        "scenario_sha256, answer, prompt_tokens, completion_tokens, latency_ms, "
                        "checks_passed, check_failures, finished_at_ms FROM results WHERE key = ?");
  query.bind(1, key);
  if (!query.step())
    return std::nullopt;
  StoredResult result;
  result.key = query.text(0);
  result.manifest = query.text(1);
  result.scenario_id = query.text(2);
  result.model_name = query.text(3);
  result.repeat = static_cast<int>(query.integer(4));
  result.template_sha256 = query.text(5);
  result.scenario_sha256 = query.text(6);
  result.answer = query.text(7);
  result.prompt_tokens = query.integer(8);
  result.completion_tokens = query.integer(9);
  result.latency_ms = query.real(10);
  result.checks_passed = query.integer(11) != 0;
  result.check_failures = query.text(12);
  result.finished_at_ms = query.integer(13);
  return result;
}

std::vector<StoredManifest> ResultStore::manifests_for(const std::string& scenario_id,
                                                       const std::string& model_name) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT key, manifest, finished_at_ms FROM results WHERE scenario_id = ? "
                        "OR model_name = ? ORDER BY finished_at_ms DESC LIMIT 1000");
  query.bind(1, scenario_id).bind(2, model_name);
  std::vector<StoredManifest> manifests;
  while (query.step())
    manifests.push_back({query.text(0), query.text(1), query.integer(2)});
  return manifests;
}

std::optional<double> ResultStore::typical_latency_ms(const std::string& model_name) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT latency_ms FROM results WHERE model_name = ? "
                        "ORDER BY finished_at_ms DESC LIMIT 101");
  query.bind(1, model_name);
  std::vector<double> latencies;
  while (query.step())
    latencies.push_back(query.real(0));
  if (latencies.empty())
    return std::nullopt;
  std::nth_element(latencies.begin(), latencies.begin() + latencies.size() / 2, latencies.end());
  return latencies[latencies.size() / 2];
}

std::optional<std::string> ResultStore::last_identity(const std::string& probe_key) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader, "SELECT identity FROM identities WHERE probe_key = ?");
  query.bind(1, probe_key);
  if (!query.step())
    return std::nullopt;
  return query.text(0);
}

void ResultStore::remember_identity(const std::string& probe_key,
                                    const std::string& identity_json) {
  impl_->enqueue([=](SqliteDb& db) {
    SqliteStatement upsert(db,
                           "INSERT OR REPLACE INTO identities(probe_key, identity, seen_at_ms) "
                           "VALUES(?, ?, ?)");
    upsert.bind(1, probe_key).bind(2, identity_json).bind(3, unix_ms_now());
    upsert.run();
  });
}

std::optional<std::string> ResultStore::latest_job() const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT job_id FROM jobs ORDER BY started_at_ms DESC LIMIT 1");
  if (!query.step())
    return std::nullopt;
  return query.text(0);
}

std::optional<std::string> ResultStore::unfinished_job(const std::string& plan_sha256) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT job_id FROM jobs WHERE plan_sha256 = ? AND finished_at_ms IS NULL "
                        "ORDER BY started_at_ms DESC LIMIT 1");
  query.bind(1, plan_sha256);
  if (!query.step())
    return std::nullopt;
  return query.text(0);
}

void ResultStore::start_job(const std::string& job_id, const std::string& plan_sha256,
                            const std::string& description) {
  impl_->enqueue([=](SqliteDb& db) {
    SqliteStatement insert(db,
                           "INSERT OR IGNORE INTO jobs(job_id, plan_sha256, description, "
                           "started_at_ms) VALUES(?, ?, ?, ?)");
    insert.bind(1, job_id).bind(2, plan_sha256).bind(3, description).bind(4, unix_ms_now());
    insert.run();
  });
  flush();
}

std::vector<ResultSummary> ResultStore::job_results(const std::string& job_id) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader, (std::string("SELECT ") + kSummaryColumns +
                                         ", j.source, j.run_key FROM job_results j JOIN results r "
                                         "ON r.key = j.result_key WHERE j.job_id = ? "
                                         "ORDER BY r.rowid")
                                            .c_str());
  query.bind(1, job_id);
  std::vector<ResultSummary> results;
  while (query.step()) {
    results.push_back(read_summary(query));
    results.back().source = source_from(query.text(8));
    results.back().run_key = query.text(9);
  }
  return results;
}

std::vector<AttemptRecord> ResultStore::job_attempts(const std::string& job_id) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT key, scenario_id, model_name, repeat, attempt, outcome, "
                        "http_status, message, latency_ms, final, at_ms FROM attempts "
                        "WHERE job_id = ? ORDER BY id");
  query.bind(1, job_id);
  std::vector<AttemptRecord> attempts;
  while (query.step()) {
    AttemptRecord attempt;
    attempt.job_id = job_id;
    attempt.key = query.text(0);
    attempt.scenario_id = query.text(1);
    attempt.model_name = query.text(2);
    attempt.repeat = static_cast<int>(query.integer(3));
    attempt.attempt = static_cast<int>(query.integer(4));
    attempt.outcome = query.text(5);
    attempt.http_status = static_cast<int>(query.integer(6));
    attempt.message = query.text(7);
    attempt.latency_ms = query.real(8);
    attempt.final = query.integer(9) != 0;
    attempt.at_ms = query.integer(10);
    attempts.push_back(std::move(attempt));
  }
  return attempts;
}

std::vector<LimitEvent> ResultStore::job_limit_events(const std::string& job_id) const {
  std::lock_guard lock(impl_->reader_mutex);
  SqliteStatement query(*impl_->reader,
                        "SELECT provider, at_ms, event, concurrency_limit, detail FROM "
                        "limit_events WHERE job_id = ? ORDER BY id");
  query.bind(1, job_id);
  std::vector<LimitEvent> events;
  while (query.step()) {
    events.push_back(
        {job_id, query.text(0), query.integer(1), query.text(2), query.real(3), query.text(4)});
  }
  return events;
}

void ResultStore::put_result(const std::string& job_id, StoredResult result, ResultSource source,
                             std::function<void()> committed) {
  impl_->enqueue(
      [job_id, result = std::move(result), source](SqliteDb& db) {
        static const std::string sql =
            "INSERT INTO results(key, manifest, scenario_id, model_name, repeat, template_sha256, "
            "scenario_sha256, answer, prompt_tokens, completion_tokens, latency_ms, checks_passed, "
            "check_failures, finished_at_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET " +
            std::string(kUpdateEveryColumn);
        SqliteStatement upsert(db, sql.c_str());
        upsert.bind(1, result.key).bind(2, result.manifest).bind(3, result.scenario_id);
        upsert.bind(4, result.model_name).bind(5, result.repeat).bind(6, result.template_sha256);
        upsert.bind(7, result.scenario_sha256).bind(8, result.answer);
        upsert.bind(9, result.prompt_tokens).bind(10, result.completion_tokens);
        upsert.bind(11, result.latency_ms).bind(12, result.checks_passed ? 1 : 0);
        upsert.bind(13, result.check_failures).bind(14, result.finished_at_ms);
        upsert.run();
        record_in_job(db, job_id, result.key, result.key, source);
      },
      std::move(committed));
}

void ResultStore::count_result(const std::string& job_id, const std::string& run_key,
                               const std::string& result_key, ResultSource source,
                               std::function<void()> committed) {
  impl_->enqueue([job_id, run_key, result_key,
                  source](SqliteDb& db) { record_in_job(db, job_id, run_key, result_key, source); },
                 std::move(committed));
}

void ResultStore::put_attempt(AttemptRecord attempt) {
  impl_->enqueue([attempt = std::move(attempt)](SqliteDb& db) {
    SqliteStatement insert(db,
                           "INSERT OR IGNORE INTO attempts(job_id, key, scenario_id, model_name, "
                           "repeat, attempt, outcome, http_status, message, latency_ms, final, "
                           "at_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    insert.bind(1, attempt.job_id).bind(2, attempt.key).bind(3, attempt.scenario_id);
    insert.bind(4, attempt.model_name).bind(5, attempt.repeat).bind(6, attempt.attempt);
    insert.bind(7, attempt.outcome).bind(8, attempt.http_status).bind(9, attempt.message);
    insert.bind(10, attempt.latency_ms).bind(11, attempt.final ? 1 : 0).bind(12, attempt.at_ms);
    insert.run();
  });
}

void ResultStore::put_limit_event(LimitEvent event) {
  impl_->enqueue([event = std::move(event)](SqliteDb& db) {
    SqliteStatement insert(db,
                           "INSERT OR IGNORE INTO limit_events(job_id, provider, at_ms, event, "
                           "concurrency_limit, detail) VALUES(?,?,?,?,?,?)");
    insert.bind(1, event.job_id).bind(2, event.provider).bind(3, event.at_ms);
    insert.bind(4, event.event).bind(5, event.concurrency_limit).bind(6, event.detail);
    insert.run();
  });
}

void ResultStore::finish_job(const std::string& job_id, const std::string& summary_json) {
  impl_->enqueue([=](SqliteDb& db) {
    SqliteStatement update(db, "UPDATE jobs SET finished_at_ms = ?, summary = ? WHERE job_id = ?");
    update.bind(1, unix_ms_now()).bind(2, summary_json).bind(3, job_id);
    update.run();
  });
  flush();
}

void ResultStore::flush() {
  std::unique_lock lock(impl_->queue_mutex);
  impl_->queue_changed.wait(lock,
                            [&] { return impl_->queue.empty() && impl_->in_transaction == 0; });
  if (!impl_->write_error.empty())
    throw StoreError(impl_->file.string() + ": a write failed: " + impl_->write_error);
}

ResultStore::MergeCounts ResultStore::merge_from(const std::filesystem::path& other) {
  std::error_code missing;
  if (!std::filesystem::is_regular_file(other, missing))
    throw StoreError(other.string() + ": no such result store");
  // Opening it as a store first checks that it is one, with a clear error.
  { ResultStore check(other); }
  flush();
  // Its own connection: ATTACH and DETACH cannot run inside the writer's
  // transactions, and nothing else writes while stores are merged.
  SqliteDb db(impl_->file, false);
  {
    SqliteStatement attach(db, "ATTACH DATABASE ? AS other");
    attach.bind(1, other.string());
    attach.run();
  }
  MergeCounts counts;
  db.transaction([&] {
    counts.results_added = static_cast<std::size_t>(
        query_integer(db,
                      "SELECT count(*) FROM other.results o WHERE NOT EXISTS "
                      "(SELECT 1 FROM main.results r WHERE r.key = o.key)"));
    counts.results_replaced = static_cast<std::size_t>(
        query_integer(db,
                      "SELECT count(*) FROM other.results o JOIN main.results r "
                      "USING(key) WHERE o.finished_at_ms > r.finished_at_ms"));
    db.exec(
        "INSERT INTO main.results SELECT * FROM other.results WHERE true "
        "ON CONFLICT(key) DO UPDATE SET manifest=excluded.manifest, answer=excluded.answer, "
        "prompt_tokens=excluded.prompt_tokens, completion_tokens=excluded.completion_tokens, "
        "latency_ms=excluded.latency_ms, checks_passed=excluded.checks_passed, "
        "check_failures=excluded.check_failures, finished_at_ms=excluded.finished_at_ms "
        "WHERE excluded.finished_at_ms > main.results.finished_at_ms");
    db.exec("INSERT OR IGNORE INTO main.jobs SELECT * FROM other.jobs");
    db.exec("INSERT OR IGNORE INTO main.identities SELECT * FROM other.identities");
    db.exec("INSERT OR IGNORE INTO main.job_results SELECT * FROM other.job_results");
    const auto before = sqlite3_total_changes64(db.handle());
    db.exec(
        "INSERT OR IGNORE INTO main.attempts(job_id, key, scenario_id, model_name, repeat, "
        "attempt, outcome, http_status, message, latency_ms, final, at_ms) SELECT job_id, key, "
        "scenario_id, model_name, repeat, attempt, outcome, http_status, message, latency_ms, "
        "final, at_ms FROM other.attempts");
    counts.attempts = static_cast<std::size_t>(sqlite3_total_changes64(db.handle()) - before);
    db.exec(
        "INSERT OR IGNORE INTO main.limit_events(job_id, provider, at_ms, event, "
        "concurrency_limit, detail) SELECT job_id, provider, at_ms, event, concurrency_limit, "
        "detail FROM other.limit_events");
  });
  db.exec("DETACH DATABASE other");
  return counts;
}

}  // namespace sbench::runner
