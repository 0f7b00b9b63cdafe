#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cache/sqlite_db.hpp"

namespace sbench::runner {

// Where a row of a job stands. Only a commit moves a row out of pending, and
// the same commit records how far the output and error files reach, so that
// the files and the index never disagree about what was answered.
enum class RowState : int { pending = 0, done = 1, failed = 2 };

struct BatchJob {
  std::int64_t id = 0;
  std::string name;
  std::filesystem::path input;
  // The input as it was indexed: a job whose file changed since is refused.
  std::int64_t input_bytes = 0;
  std::int64_t input_mtime_ns = 0;
  std::filesystem::path output;  // OpenAI's output file: one line per answered request
  std::filesystem::path errors;  // OpenAI's error file: failed requests and bad lines
  std::string status;            // queued, running, done, cancelled
  std::string shard;             // "K/N" when the job is one shard of a file, else empty
  std::int64_t created_ms = 0;
  std::int64_t finished_ms = 0;
  // How many bytes of each file hold committed lines; anything after is
  // from a run that died before its commit and is cut off on the next start.
  std::int64_t output_bytes = 0;
  std::int64_t error_bytes = 0;
  std::int64_t rows = 0;
  std::int64_t done = 0;
  std::int64_t failed = 0;
  std::int64_t bad_lines = 0;  // rows that cannot be sent; they go to the error file

  std::int64_t remaining() const { return rows - done - failed; }
};

// Throws InputError when the job's input is gone or differs in size or
// modification time from the file that was indexed: its offsets would point
// at the wrong lines.
void require_unchanged_input(const BatchJob& job);

// A line of the input still to answer: where it is in the file, and the
// problem that keeps it from being sent, if it has one.
struct PendingRow {
  std::int64_t line = 0;  // counting from 1
  std::int64_t offset = 0;
  std::int64_t length = 0;
  std::string custom_id;
  std::string problem_code;  // empty for a row to send
  std::string problem_message;
  std::int64_t attempts = 0;
};

struct FinishedRow {
  std::int64_t line = 0;
  RowState state = RowState::done;
  std::int64_t attempts = 0;
  std::int64_t finished_ms = 0;
};

struct BatchShard {
  std::size_t index = 0;
  std::size_t count = 1;
};

// The queue of `sbench batch`: one SQLite database (WAL) per queue directory
// holding the jobs and, per job, an index of its input lines. The index is on
// disk so that memory does not grow with the job.
class BatchQueue {
 public:
  explicit BatchQueue(const std::filesystem::path& directory);

  // Indexes `input` as a new job whose output and error files go into
  // `output_dir`: every non-blank line's place, custom_id and problem. Throws
  // InputError, adding nothing, when custom_ids repeat (naming the first
  // repeats with both line numbers) or the file cannot be read.
  BatchJob add(const std::filesystem::path& input, const std::string& name,
               const std::filesystem::path& output_dir, std::optional<BatchShard> shard);

  std::vector<BatchJob> jobs() const;
  std::optional<BatchJob> job(std::int64_t id) const;

  // Up to `limit` pending rows after `after_line`, in file order.
  std::vector<PendingRow> pending(std::int64_t job, std::int64_t after_line,
                                  std::size_t limit) const;
  // One transaction: the rows finished since the last commit and the file
  // sizes that hold their lines (written and synced before this call).
  void commit(std::int64_t job, std::span<const FinishedRow> rows, std::int64_t output_bytes,
              std::int64_t error_bytes);
  void set_status(std::int64_t job, const std::string& status);
  // A new job of the failed rows of `job`, with its own output and error
  // files (as a hosted batch API does: a new batch of what failed), so that
  // no file ever holds two answers for one custom_id. Nullopt when none failed.
  std::optional<BatchJob> retry_failed(std::int64_t job);
  // Finished times (unix ms) of the job's latest answers, newest first.
  std::vector<std::int64_t> recent_finishes(std::int64_t job, std::size_t limit) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  SqliteDb db_;
};

}  // namespace sbench::runner
