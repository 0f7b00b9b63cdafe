#include <gtest/gtest.h>

#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

TEST(BetterDirection, RatesAndSpeedupsAreBetterHigher) {
  for (const char* counter : {"tokens_per_s", "tokens_per_s_5", "speedup", "speedup_3",
                              "throughput_tokens_per_sec", "save_mb_per_s", "load_mb_per_s"})
    EXPECT_EQ(better_direction(counter), BetterDirection::higher) << counter;
}

TEST(BetterDirection, TimesSizesPercentagesAndSlopesAreBetterLower) {
  for (const char* counter :
       {"load_ms", "ttft_ms", "model_load_time_sec", "server_rss_mb", "memory_usage_gb",
        "padding_pct", "overhead_pct", "rss_slope_kb_per_cycle", "real_time"})
    EXPECT_EQ(better_direction(counter), BetterDirection::lower) << counter;
}

TEST(BetterDirection, OtherCountersHaveNoDirection) {
  for (const char* counter : {"total_tokens", "cycles", "cache_to_model_ratio", ""})
    EXPECT_EQ(better_direction(counter), BetterDirection::unknown) << counter;
}

}  // namespace
}  // namespace sbench::reporters
