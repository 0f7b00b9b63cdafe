#include "cache/result_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>

#include "cache/sqlite_db.hpp"
#include "support/temp_dir.hpp"

namespace sbench::runner {
namespace {

using ::testing::HasSubstr;

StoredResult result(const std::string& key, std::int64_t finished_at_ms = 1) {
  StoredResult stored;
  stored.key = key;
  stored.manifest = "{\"key\":\"" + key + "\"}";
  stored.scenario_id = "s";
  stored.model_name = "m";
  stored.template_sha256 = "t";
  stored.scenario_sha256 = "c";
  stored.answer = "answer of " + key;
  stored.latency_ms = 12.5;
  stored.prompt_tokens = 3;
  stored.completion_tokens = 4;
  stored.check_failures = "[]";
  stored.finished_at_ms = finished_at_ms;
  return stored;
}

std::string open_error(const std::filesystem::path& file) {
  try {
    ResultStore store(file);
  } catch (const StoreError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ResultStore, KeepsResultsAcrossReopeningInWalMode) {
  testing::TempDir dir;
  const auto file = dir.path("nested/results.sqlite");
  {
    ResultStore store(file);
    store.start_job("job", "plan", "test");
    store.put_result("job", result("k1"), ResultSource::ran);
    store.flush();
  }
  ResultStore store(file);
  const std::optional<StoredResult> loaded = store.load("k1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->answer, "answer of k1");
  EXPECT_DOUBLE_EQ(loaded->latency_ms, 12.5);
  EXPECT_FALSE(store.find("k2"));
  SqliteDb db(file, true);
  SqliteStatement mode(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
}

TEST(ResultStore, TheCommittedCallbackRunsOnlyAfterTheRowIsReadable) {
  testing::TempDir dir;
  ResultStore store(dir.path("r.sqlite"));
  store.start_job("job", "plan", "test");
  std::promise<bool> seen;
  store.put_result("job", result("k"), ResultSource::ran, [&] {
    // Another connection, as a second process would read it.
    SqliteDb db(dir.path("r.sqlite"), true);
    SqliteStatement query(db, "SELECT count(*) FROM results WHERE key = 'k'");
    query.step();
    seen.set_value(query.integer(0) == 1);
  });
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(future.get());
}

TEST(ResultStore, AnUnfinishedJobIsFoundByItsPlanAndRemembersWhatItFinished) {
  testing::TempDir dir;
  ResultStore store(dir.path("r.sqlite"));
  store.start_job("job-1", "plan-a", "test");
  store.put_result("job-1", result("k1"), ResultSource::ran);
  store.put_result("job-1", result("k1"), ResultSource::ran);  // upsert: once
  store.count_result("job-1", "k1", "k1", ResultSource::cache);
  store.flush();
  EXPECT_EQ(store.unfinished_job("plan-a"), "job-1");
  EXPECT_FALSE(store.unfinished_job("plan-b"));
  const std::vector<ResultSummary> results = store.job_results("job-1");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].source, ResultSource::cache);
  store.finish_job("job-1", "{}");
  EXPECT_FALSE(store.unfinished_job("plan-a"));
}

TEST(ResultStore, IncrementalLookupMatchesOnlyUnchangedTemplateAndScenario) {
  testing::TempDir dir;
  ResultStore store(dir.path("r.sqlite"));
  store.put_result("job", result("old", 1), ResultSource::ran);
  store.put_result("job", result("new", 2), ResultSource::ran);
  store.flush();
  EXPECT_EQ(store.find_unchanged("s", "m", 0, "t", "c")->key, "new");
  EXPECT_FALSE(store.find_unchanged("s", "m", 0, "t-edited", "c"));
  EXPECT_FALSE(store.find_unchanged("s", "m", 1, "t", "c"));
}

TEST(ResultStore, RefusesFilesThatAreNotStores) {
  testing::TempDir dir;
  std::ofstream(dir.path("garbage.sqlite"))
      << "this is not a database, just text padding out a page";
  EXPECT_THAT(open_error(dir.path("garbage.sqlite")), HasSubstr("garbage.sqlite"));
  {
    SqliteDb other(dir.path("other.sqlite"), false);
    other.exec("CREATE TABLE t(x)");
  }
  EXPECT_THAT(open_error(dir.path("other.sqlite")), HasSubstr("not a semantic-bench result store"));
}

TEST(ResultStore, MergeAddsWhatIsMissingAndKeepsTheNewerResult) {
  testing::TempDir dir;
  {
    ResultStore shard(dir.path("shard.sqlite"));
    shard.start_job("job-b", "plan", "shard");
    shard.put_result("job-b", result("only-in-shard", 5), ResultSource::ran);
    shard.put_result("job-b", result("both", 9), ResultSource::ran);
    shard.put_attempt({"job-b", "both", "s", "m", 0, 1, "ok", 200, "", 1, false, 9});
    shard.flush();
  }
  ResultStore main(dir.path("main.sqlite"));
  main.put_result("job-a", result("both", 3), ResultSource::ran);
  main.flush();
  ResultStore::MergeCounts counts = main.merge_from(dir.path("shard.sqlite"));
  EXPECT_EQ(counts.results_added, 1u);
  EXPECT_EQ(counts.results_replaced, 1u);
  EXPECT_EQ(counts.attempts, 1u);
  EXPECT_EQ(main.load("both")->finished_at_ms, 9);
  EXPECT_EQ(main.job_results("job-b").size(), 2u);
  // Merging again adds nothing twice.
  counts = main.merge_from(dir.path("shard.sqlite"));
  EXPECT_EQ(counts.results_added, 0u);
  EXPECT_EQ(counts.attempts, 0u);
  EXPECT_EQ(main.job_attempts("job-b").size(), 1u);
  EXPECT_THROW(main.merge_from(dir.path("missing.sqlite")), StoreError);
}

}  // namespace
}  // namespace sbench::runner
