#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "job/run_plan.hpp"

namespace sbench::runner {
namespace {

using ::testing::HasSubstr;

TEST(Shard, EveryRunIsInExactlyOneShardAndTheSplitIsEven) {
  constexpr std::size_t kShards = 4;
  std::vector<std::size_t> sizes(kShards);
  for (int s = 0; s < 300; ++s) {
    for (const char* model : {"a", "b", "c"}) {
      const std::size_t shard = shard_of("scenario-" + std::to_string(s), model, 0, kShards);
      ASSERT_LT(shard, kShards);
      // Deterministic: the same run lands in the same shard every time.
      ASSERT_EQ(shard, shard_of("scenario-" + std::to_string(s), model, 0, kShards));
      ++sizes[shard];
    }
  }
  for (std::size_t size : sizes) {
    EXPECT_GT(size, 900 / kShards * 3 / 4);
    EXPECT_LT(size, 900 / kShards * 5 / 4);
  }
}

std::string shard_error(const std::string& text) {
  try {
    parse_shard(text);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(Shard, ParsesFlagsAndTheEnvironmentsOfBatchSchedulers) {
  const Shard shard = parse_shard("2/5");
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.count, 5u);
  EXPECT_THAT(shard_error("5/5"), HasSubstr("K must be 0..N-1"));
  EXPECT_THAT(shard_error("3"), HasSubstr("expected K/N"));
  EXPECT_THAT(shard_error("a/2"), HasSubstr("not a non-negative integer"));

  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("JOB_COMPLETION_INDEX");
  EXPECT_THAT(shard_error("env"), HasSubstr("neither SLURM_ARRAY_TASK_ID nor"));
  setenv("JOB_COMPLETION_INDEX", "3", 1);
  EXPECT_THAT(shard_error("env"), HasSubstr("SBENCH_SHARD_COUNT"));
  EXPECT_EQ(parse_shard("env/8").index, 3u);
  EXPECT_EQ(parse_shard("env/8").count, 8u);
  unsetenv("JOB_COMPLETION_INDEX");
  setenv("SLURM_ARRAY_TASK_ID", "11", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "10", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  EXPECT_EQ(parse_shard("env").index, 1u);
  EXPECT_EQ(parse_shard("env").count, 3u);
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
}

}  // namespace
}  // namespace sbench::runner
