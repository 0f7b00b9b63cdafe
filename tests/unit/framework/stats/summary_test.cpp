#include "sbench/stats/summary.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace sbench::stats {
namespace {

// Worked by hand: sorted {15, 20, 35, 40, 50}, rank h = 4p/100.
TEST(Summary, MatchesHandComputedValues) {
  const std::vector<double> sample{40, 15, 50, 35, 20};
  const Summary summary = summarize(sample);
  EXPECT_EQ(summary.n, 5u);
  EXPECT_DOUBLE_EQ(summary.mean, 32.0);
  EXPECT_DOUBLE_EQ(summary.median, 35.0);
  EXPECT_DOUBLE_EQ(summary.p50, 35.0);
  EXPECT_DOUBLE_EQ(summary.p90, 46.0);  // h = 3.6: 40 + 0.6 * 10
  EXPECT_DOUBLE_EQ(summary.p95, 48.0);  // h = 3.8
  EXPECT_DOUBLE_EQ(summary.p99, 49.6);  // h = 3.96
  EXPECT_DOUBLE_EQ(summary.min, 15.0);
  EXPECT_DOUBLE_EQ(summary.max, 50.0);
  // Squared deviations 289 + 144 + 9 + 64 + 324 = 830, over n - 1 = 4.
  EXPECT_DOUBLE_EQ(summary.stddev, std::sqrt(207.5));
  EXPECT_DOUBLE_EQ(summary.cv, std::sqrt(207.5) / 32.0);
  EXPECT_TRUE(summary.high_cv());
}

TEST(Summary, MedianOfEvenCountInterpolates) {
  const std::vector<double> sample{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(summarize(sample).median, 2.5);
}

TEST(Summary, PercentileEndsAreMinAndMax) {
  const std::vector<double> sorted{1, 2, 10};
  EXPECT_DOUBLE_EQ(percentile_of_sorted(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(sorted, 100), 10);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(sorted, 75), 6);  // h = 1.5
}

TEST(Summary, SingleValueHasNoSpread) {
  const std::vector<double> sample{7};
  const Summary summary = summarize(sample);
  EXPECT_EQ(summary.n, 1u);
  EXPECT_DOUBLE_EQ(summary.p99, 7);
  EXPECT_DOUBLE_EQ(summary.stddev, 0);
  EXPECT_FALSE(summary.high_cv());
}

TEST(Summary, EmptySampleIsAllZero) {
  const Summary summary = summarize({});
  EXPECT_EQ(summary.n, 0u);
  EXPECT_DOUBLE_EQ(summary.mean, 0);
  EXPECT_FALSE(summary.high_cv());
}

TEST(Summary, TightSampleIsNotHighCv) {
  const std::vector<double> sample{100, 101, 99, 100, 100};
  EXPECT_FALSE(summarize(sample).high_cv());
  EXPECT_TRUE(summarize(sample).high_cv(0.001));
}

}  // namespace
}  // namespace sbench::stats
