#include "batch/batch_queue.hpp"

#include <fstream>
#include <functional>
#include <variant>

#include "batch/batch_format.hpp"
#include "cache/result_store.hpp"
#include "cache/sha256.hpp"
#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

// 'sbnb': tells a batch queue from any other SQLite file.
constexpr std::int64_t kApplicationId = 0x73626e62;
constexpr std::int64_t kSchemaVersion = 1;
constexpr std::size_t kDuplicatesNamed = 10;

std::int64_t modification_ns(const std::filesystem::path& file, std::error_code& error) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::filesystem::last_write_time(file, error).time_since_epoch())
      .count();
}

// Calls `take(line, offset, length, text)` for every line of `input`, holding
// at most kMaxBatchLineBytes of one line: a longer one is passed cut short,
// with its full length, for the parser to refuse.
void for_each_line(
    const std::filesystem::path& input,
    const std::function<void(std::int64_t, std::int64_t, std::int64_t, std::string_view)>& take) {
  std::ifstream in(input, std::ios::binary);
  if (!in)
    throw InputError("cannot read " + input.string());
  std::vector<char> buffer(1 << 20);
  std::string line;
  std::int64_t line_start = 0;
  std::int64_t position = 0;
  std::int64_t line_number = 1;
  std::int64_t line_length = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    for (std::streamsize i = 0; i < got; ++i, ++position) {
      const char c = buffer[static_cast<std::size_t>(i)];
      if (c == '\n') {
        take(line_number++, line_start, line_length, line);
        line.clear();
        line_length = 0;
        line_start = position + 1;
        continue;
      }
      if (line.size() <= kMaxBatchLineBytes)
        line.push_back(c);
      ++line_length;
    }
  }
  if (line_length > 0)
    take(line_number, line_start, line_length, line);
}

std::size_t shard_of_row(const std::string& custom_id, std::int64_t line, std::size_t count) {
  const std::string digest =
      sha256_hex(custom_id.empty() ? "line " + std::to_string(line) : custom_id);
  return static_cast<std::size_t>(std::stoull(digest.substr(0, 15), nullptr, 16) % count);
}

std::filesystem::path job_file(const std::filesystem::path& output_dir,
                               const std::filesystem::path& input,
                               const std::optional<BatchShard>& shard, const char* kind) {
  std::string name = input.stem().string();
  if (shard)
    name += ".shard-" + std::to_string(shard->index) + "-of-" + std::to_string(shard->count);
  return std::filesystem::absolute(output_dir / (name + "." + kind + ".jsonl")).lexically_normal();
}

constexpr const char* kJobColumns =
    "id, name, input, input_bytes, input_mtime_ns, output, errors, status, shard, created_ms, "
    "finished_ms, output_bytes, error_bytes";

}  // namespace

void require_unchanged_input(const BatchJob& job) {
  std::error_code error;
  const auto size = std::filesystem::file_size(job.input, error);
  if (error || static_cast<std::int64_t>(size) != job.input_bytes ||
      modification_ns(job.input, error) != job.input_mtime_ns || error) {
    throw InputError(job.input.string() + " changed (or is gone) since it was added as job " +
                     std::to_string(job.id) +
                     "; its index would point at the wrong lines. Cancel the job and add the "
                     "file again");
  }
}

BatchQueue::BatchQueue(const std::filesystem::path& directory)
    : file_((std::filesystem::create_directories(directory), directory / "queue.sqlite")),
      db_(file_, false) {
  {
    // Finalized before the journal mode changes: an open statement is a transaction.
    SqliteStatement application(db_, "PRAGMA application_id");
    application.step();
    const std::int64_t id = application.integer(0);
    if (id != 0 && id != kApplicationId)
      throw InputError(file_.string() + " is not an sbench batch queue");
  }
  // FULL: a commit is on disk when it returns, which is what lets an answer
  // count as done.
  db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  db_.exec("PRAGMA application_id=" + std::to_string(kApplicationId) +
           "; PRAGMA user_version=" + std::to_string(kSchemaVersion) +
           ";"
           "CREATE TABLE IF NOT EXISTS jobs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "input TEXT NOT NULL, input_bytes INTEGER NOT NULL, input_mtime_ns INTEGER NOT NULL, "
           "output TEXT NOT NULL, errors TEXT NOT NULL, status TEXT NOT NULL, shard TEXT NOT NULL, "
           "created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0, "
           "output_bytes INTEGER NOT NULL DEFAULT 0, error_bytes INTEGER NOT NULL DEFAULT 0);"
           "CREATE TABLE IF NOT EXISTS rows(job_id INTEGER NOT NULL, line INTEGER NOT NULL, "
           "offset INTEGER NOT NULL, length INTEGER NOT NULL, custom_id TEXT NOT NULL, "
           "problem_code TEXT NOT NULL, problem_message TEXT NOT NULL, "
           "state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, "
           "finished_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(job_id, line)) WITHOUT ROWID;"
           "CREATE UNIQUE INDEX IF NOT EXISTS rows_by_custom_id ON rows(job_id, custom_id) "
           "WHERE custom_id <> '';"
           "CREATE INDEX IF NOT EXISTS rows_by_state ON rows(job_id, state, line);");
}

BatchJob BatchQueue::add(const std::filesystem::path& input, const std::string& name,
                         const std::filesystem::path& output_dir, std::optional<BatchShard> shard) {
  if (!std::filesystem::is_regular_file(input))
    throw InputError(input.string() + ": no such file");
  BatchJob job;
  job.name = name.empty() ? input.filename().string() : name;
  job.input = std::filesystem::absolute(input).lexically_normal();
  job.input_bytes = static_cast<std::int64_t>(std::filesystem::file_size(input));
  std::error_code error;
  job.input_mtime_ns = modification_ns(input, error);
  if (error)
    throw InputError(input.string() + ": " + error.message());
  job.output = job_file(output_dir, input, shard, "output");
  job.errors = job_file(output_dir, input, shard, "errors");
  job.status = "queued";
  job.shard = shard ? std::to_string(shard->index) + "/" + std::to_string(shard->count) : "";
  job.created_ms = unix_ms_now();
  for (const BatchJob& other : jobs()) {
    if ((other.status == "queued" || other.status == "running") && other.output == job.output)
      throw InputError(input.string() + ": job " + std::to_string(other.id) + " (" + other.name +
                       ") already writes " + job.output.string() +
                       "; cancel it or add the file "
                       "with another --output-dir");
  }
  std::filesystem::create_directories(output_dir);

  db_.transaction([&] {
    SqliteStatement insert_job(
        db_,
        "INSERT INTO jobs(name, input, input_bytes, input_mtime_ns, output, errors, status, "
        "shard, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert_job.bind(1, job.name)
        .bind(2, job.input.string())
        .bind(3, job.input_bytes)
        .bind(4, job.input_mtime_ns)
        .bind(5, job.output.string())
        .bind(6, job.errors.string())
        .bind(7, job.status)
        .bind(8, job.shard)
        .bind(9, job.created_ms)
        .run();
    job.id = sqlite3_last_insert_rowid(db_.handle());
    // "custom_id <> ''" lets the planner use the partial unique index.
    SqliteStatement earlier(
        db_, "SELECT line FROM rows WHERE job_id = ? AND custom_id = ? AND custom_id <> ''");
    SqliteStatement insert_row(db_,
                               "INSERT INTO rows(job_id, line, offset, length, custom_id, "
                               "problem_code, problem_message) VALUES(?, ?, ?, ?, ?, ?, ?)");
    std::vector<std::string> duplicates;
    std::size_t duplicate_count = 0;
    for_each_line(input, [&](std::int64_t line, std::int64_t offset, std::int64_t length,
                             std::string_view text) {
      if (is_blank_line(text))
        return;
      std::string custom_id;
      std::string code;
      std::string message;
      if (static_cast<std::size_t>(length) > kMaxBatchLineBytes) {
        code = "line_too_long";
        message = "line " + std::to_string(line) + ": " + std::to_string(length) +
                  " bytes, more than the " + std::to_string(kMaxBatchLineBytes) +
                  " a line may have";
      } else {
        const ParsedLine parsed = parse_batch_line(text, static_cast<std::size_t>(line));
        if (const auto* request = std::get_if<BatchRequest>(&parsed)) {
          custom_id = request->custom_id;
        } else {
          const auto& problem = std::get<LineProblem>(parsed);
          custom_id = problem.custom_id;
          code = problem.code;
          message = problem.message;
        }
      }
      if (shard && shard_of_row(custom_id, line, shard->count) != shard->index)
        return;
      if (!custom_id.empty()) {
        earlier.reset();
        earlier.bind(1, job.id).bind(2, custom_id);
        if (earlier.step()) {
          if (++duplicate_count <= kDuplicatesNamed)
            duplicates.push_back("\"" + custom_id + "\" on lines " +
                                 std::to_string(earlier.integer(0)) + " and " +
                                 std::to_string(line));
          return;
        }
      }
      insert_row.reset();
      insert_row.bind(1, job.id)
          .bind(2, line)
          .bind(3, offset)
          .bind(4, length)
          .bind(5, custom_id)
          .bind(6, code)
          .bind(7, message)
          .run();
    });
    if (duplicate_count > 0) {
      std::string named;
      for (const std::string& duplicate : duplicates)
        named += "\n  " + duplicate;
      throw InputError(input.string() + ": " + std::to_string(duplicate_count) +
                       " custom_id(s) repeat; each must be unique, nothing was added:" + named +
                       (duplicate_count > kDuplicatesNamed ? "\n  ..." : ""));
    }
  });
  return *this->job(job.id);
}

std::vector<BatchJob> BatchQueue::jobs() const {
  std::vector<BatchJob> all;
  SqliteStatement ids(db_, "SELECT id FROM jobs ORDER BY id");
  while (ids.step())
    all.push_back(*job(ids.integer(0)));
  return all;
}

std::optional<BatchJob> BatchQueue::job(std::int64_t id) const {
  SqliteStatement query(db_,
                        (std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?").c_str());
  query.bind(1, id);
  if (!query.step())
    return std::nullopt;
  BatchJob job;
  job.id = query.integer(0);
  job.name = query.text(1);
  job.input = query.text(2);
  job.input_bytes = query.integer(3);
  job.input_mtime_ns = query.integer(4);
  job.output = query.text(5);
  job.errors = query.text(6);
  job.status = query.text(7);
  job.shard = query.text(8);
  job.created_ms = query.integer(9);
  job.finished_ms = query.integer(10);
  job.output_bytes = query.integer(11);
  job.error_bytes = query.integer(12);
  SqliteStatement counts(db_,
                         "SELECT state, COUNT(*), SUM(problem_code <> '') FROM rows "
                         "WHERE job_id = ? GROUP BY state");
  counts.bind(1, id);
  while (counts.step()) {
    const std::int64_t count = counts.integer(1);
    job.rows += count;
    job.bad_lines += counts.integer(2);
    if (counts.integer(0) == static_cast<int>(RowState::done))
      job.done = count;
    else if (counts.integer(0) == static_cast<int>(RowState::failed))
      job.failed = count;
  }
  return job;
}

std::vector<PendingRow> BatchQueue::pending(std::int64_t job, std::int64_t after_line,
                                            std::size_t limit) const {
  SqliteStatement query(db_,
                        "SELECT line, offset, length, custom_id, problem_code, problem_message, "
                        "attempts FROM rows WHERE job_id = ? AND state = 0 AND line > ? "
                        "ORDER BY line LIMIT ?");
  query.bind(1, job).bind(2, after_line).bind(3, static_cast<std::int64_t>(limit));
  std::vector<PendingRow> rows;
  while (query.step())
    rows.push_back({query.integer(0), query.integer(1), query.integer(2), query.text(3),
                    query.text(4), query.text(5), query.integer(6)});
  return rows;
}

void BatchQueue::commit(std::int64_t job, std::span<const FinishedRow> rows,
                        std::int64_t output_bytes, std::int64_t error_bytes) {
  db_.transaction([&] {
    SqliteStatement update(db_,
                           "UPDATE rows SET state = ?, attempts = ?, finished_ms = ? "
                           "WHERE job_id = ? AND line = ? AND state = 0");
    for (const FinishedRow& row : rows) {
      update.reset();
      update.bind(1, static_cast<int>(row.state))
          .bind(2, row.attempts)
          .bind(3, row.finished_ms)
          .bind(4, job)
          .bind(5, row.line)
          .run();
      if (sqlite3_changes(db_.handle()) != 1)
        db_.fail("row " + std::to_string(row.line) + " of job " + std::to_string(job) +
                 " was not pending: answered twice");
    }
    SqliteStatement sizes(db_, "UPDATE jobs SET output_bytes = ?, error_bytes = ? WHERE id = ?");
    sizes.bind(1, output_bytes).bind(2, error_bytes).bind(3, job).run();
  });
}

void BatchQueue::set_status(std::int64_t job, const std::string& status) {
  SqliteStatement update(db_, "UPDATE jobs SET status = ?, finished_ms = ? WHERE id = ?");
  update.bind(1, status)
      .bind(2, status == "done" || status == "cancelled" ? unix_ms_now() : std::int64_t{0})
      .bind(3, job)
      .run();
}

std::optional<BatchJob> BatchQueue::retry_failed(std::int64_t job) {
  const std::optional<BatchJob> original = this->job(job);
  if (!original)
    throw InputError("no job " + std::to_string(job) + " in " + file_.string());
  if (original->failed == 0)
    return std::nullopt;
  std::int64_t retry = 0;
  db_.transaction([&] {
    SqliteStatement insert(db_,
                           "INSERT INTO jobs(name, input, input_bytes, input_mtime_ns, output, "
                           "errors, status, shard, created_ms) SELECT name || ' (retry)', input, "
                           "input_bytes, input_mtime_ns, '', '', 'queued', shard, ? FROM jobs "
                           "WHERE id = ?");
    insert.bind(1, unix_ms_now()).bind(2, job).run();
    retry = sqlite3_last_insert_rowid(db_.handle());
    // input.output.jsonl -> input.retry-7.output.jsonl, beside the original.
    auto renamed = [retry](const std::filesystem::path& path, const std::string& kind) {
      std::string name = path.filename().string();
      name = name.substr(0, name.size() - (kind.size() + 7)) + ".retry-" + std::to_string(retry) +
             "." + kind + ".jsonl";
      return (path.parent_path() / name).string();
    };
    SqliteStatement files(db_, "UPDATE jobs SET output = ?, errors = ? WHERE id = ?");
    files.bind(1, renamed(original->output, "output"))
        .bind(2, renamed(original->errors, "errors"))
        .bind(3, retry)
        .run();
    SqliteStatement copy(db_,
                         "INSERT INTO rows(job_id, line, offset, length, custom_id, problem_code, "
                         "problem_message) SELECT ?, line, offset, length, custom_id, "
                         "problem_code, problem_message FROM rows WHERE job_id = ? AND state = ?");
    copy.bind(1, retry).bind(2, job).bind(3, static_cast<int>(RowState::failed)).run();
  });
  return this->job(retry);
}

std::vector<std::int64_t> BatchQueue::recent_finishes(std::int64_t job, std::size_t limit) const {
  SqliteStatement query(db_,
                        "SELECT finished_ms FROM rows WHERE job_id = ? AND state <> 0 "
                        "ORDER BY finished_ms DESC LIMIT ?");
  query.bind(1, job).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> times;
  while (query.step())
    times.push_back(query.integer(0));
  return times;
}

}  // namespace sbench::runner
