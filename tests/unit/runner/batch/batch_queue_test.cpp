#include "batch/batch_queue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "cache/result_store.hpp"
#include "config/toml_json.hpp"
#include "support/temp_dir.hpp"

namespace sbench::runner {
namespace {

using ::testing::HasSubstr;

std::string line(const std::string& custom_id) {
  return R"({"custom_id":")" + custom_id +
         R"(","method":"POST","url":"/v1/chat/completions","body":{"messages":[]}})";
}

struct QueueTest : ::testing::Test {
  testing::TempDir dir;
  std::filesystem::path write(const std::string& text, const std::string& name = "in.jsonl") {
    std::ofstream(dir.path(name), std::ios::binary) << text;
    return dir.path(name);
  }
  std::string read_at(const std::filesystem::path& file, const PendingRow& row) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(row.offset);
    std::string text(static_cast<std::size_t>(row.length), '\0');
    in.read(text.data(), row.length);
    return text;
  }
};

TEST_F(QueueTest, IndexesEveryLineWhereItIsWithItsProblem) {
  const std::filesystem::path input =
      write(line("a") + "\n\n  \n" + line("b") + "\r\n{broken\n" + line("c"));  // no final newline
  BatchQueue queue(dir.path("q"));
  const BatchJob job = queue.add(input, "", dir.path("out"), std::nullopt);
  EXPECT_EQ(job.rows, 4);
  EXPECT_EQ(job.status, "queued");
  EXPECT_EQ(job.output, std::filesystem::absolute(dir.path("out/in.output.jsonl")));
  const std::vector<PendingRow> rows = queue.pending(job.id, 0, 100);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(read_at(input, rows[0]), line("a"));
  EXPECT_EQ(rows[1].line, 4);  // blank lines keep their numbers but are no requests
  EXPECT_EQ(rows[1].custom_id, "b");
  EXPECT_EQ(read_at(input, rows[1]), line("b") + "\r");
  EXPECT_EQ(rows[2].problem_code, "invalid_json");
  EXPECT_THAT(rows[2].problem_message, HasSubstr("line 5"));
  EXPECT_EQ(read_at(input, rows[3]), line("c"));
  EXPECT_EQ(queue.pending(job.id, 4, 1).front().line, 5);  // a page after line 4
}

TEST_F(QueueTest, RepeatedCustomIdsAddNothing) {
  const std::filesystem::path input = write(line("x") + "\n" + line("y") + "\n" + line("x") + "\n");
  BatchQueue queue(dir.path("q"));
  try {
    queue.add(input, "", dir.path("out"), std::nullopt);
    FAIL() << "accepted repeated custom_ids";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("\"x\" on lines 1 and 3"));
  }
  EXPECT_TRUE(queue.jobs().empty());
}

TEST_F(QueueTest, ShardsPartitionTheLines) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += line("id-" + std::to_string(i)) + "\n";
  const std::filesystem::path input = write(text);
  std::set<std::string> seen;
  std::size_t total = 0;
  for (std::size_t shard = 0; shard < 3; ++shard) {
    BatchQueue queue(dir.path("q" + std::to_string(shard)));
    const BatchJob job = queue.add(input, "", dir.path("out"), BatchShard{shard, 3});
    EXPECT_GT(job.rows, 15);
    EXPECT_THAT(job.output.filename().string(),
                HasSubstr("shard-" + std::to_string(shard) + "-of-3"));
    for (const PendingRow& row : queue.pending(job.id, 0, 1000)) {
      seen.insert(row.custom_id);
      ++total;
    }
  }
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(seen.size(), 100u);
}

TEST_F(QueueTest, ACommitMovesRowsAndSizesTogetherAndNeverTwice) {
  const std::filesystem::path input = write(line("a") + "\n" + line("b") + "\n");
  BatchJob job;
  {
    BatchQueue queue(dir.path("q"));
    job = queue.add(input, "named", dir.path("out"), std::nullopt);
    const std::vector<FinishedRow> first = {{1, RowState::done, 1, 1000}};
    queue.commit(job.id, first, 120, 0);
    EXPECT_THROW(queue.commit(job.id, first, 240, 0), StoreError);  // answered twice
  }
  BatchQueue reopened(dir.path("q"));
  const BatchJob after = *reopened.job(job.id);
  EXPECT_EQ(after.name, "named");
  EXPECT_EQ(after.done, 1);
  EXPECT_EQ(after.remaining(), 1);
  EXPECT_EQ(after.output_bytes, 120);  // the failed second commit changed nothing
  ASSERT_EQ(reopened.pending(job.id, 0, 10).size(), 1u);
  EXPECT_EQ(reopened.pending(job.id, 0, 10).front().custom_id, "b");
}

TEST_F(QueueTest, RetryFailedIsANewJobOfTheFailedRowsWithItsOwnFiles) {
  const std::filesystem::path input = write(line("a") + "\n" + line("b") + "\n" + line("c") + "\n");
  BatchQueue queue(dir.path("q"));
  const BatchJob job = queue.add(input, "", dir.path("out"), std::nullopt);
  const std::vector<FinishedRow> rows = {
      {1, RowState::done, 1, 1}, {2, RowState::failed, 3, 2}, {3, RowState::failed, 3, 3}};
  queue.commit(job.id, rows, 10, 20);
  const std::optional<BatchJob> retry = queue.retry_failed(job.id);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->rows, 2);
  EXPECT_EQ(retry->status, "queued");
  EXPECT_EQ(retry->output.filename(), "in.retry-2.output.jsonl");
  EXPECT_EQ(retry->errors.filename(), "in.retry-2.errors.jsonl");
  EXPECT_EQ(queue.pending(retry->id, 0, 10).front().custom_id, "b");
  EXPECT_EQ(queue.job(job.id)->failed, 2);  // the first job's record stays as it was
  EXPECT_FALSE(queue.retry_failed(retry->id).has_value());
}

TEST_F(QueueTest, AnotherSqliteFileIsNotTakenForAQueue) {
  std::filesystem::create_directories(dir.path("other"));
  {
    SqliteDb other(dir.path("other/queue.sqlite"), false);
    other.exec("PRAGMA application_id=12345; CREATE TABLE t(x);");
  }
  EXPECT_THROW(BatchQueue(dir.path("other")), InputError);
}

}  // namespace
}  // namespace sbench::runner
