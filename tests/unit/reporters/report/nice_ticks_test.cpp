#include "report/nice_ticks.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace sbench::reporters::detail {
namespace {

// A step is 1, 2 or 5 times a power of ten.
bool is_round(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
  return std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 ||
         std::fabs(mantissa - 5) < 1e-9;
}

TEST(NiceTicks, CoverTheDataWithRoundEvenlySpacedSteps) {
  for (const auto& [low, high] : {std::pair{0.0, 131.5}, std::pair{2000.0, 8000.0},
                                  std::pair{0.13, 0.91}, std::pair{-37.0, 12.0}}) {
    const Ticks ticks = nice_ticks(low, high);
    EXPECT_LE(ticks.low, low);
    EXPECT_GE(ticks.high, high);
    EXPECT_TRUE(is_round(ticks.step)) << ticks.step;
    ASSERT_GE(ticks.values.size(), 3u);
    EXPECT_LE(ticks.values.size(), 11u);
    EXPECT_DOUBLE_EQ(ticks.values.front(), ticks.low);
    EXPECT_NEAR(ticks.values.back(), ticks.high, ticks.step * 1e-9);
    for (std::size_t i = 1; i < ticks.values.size(); ++i)
      EXPECT_NEAR(ticks.values[i] - ticks.values[i - 1], ticks.step, ticks.step * 1e-9);
  }
}

TEST(NiceTicks, PicksTheExpectedRoundNumbers) {
  const Ticks throughput = nice_ticks(0, 131.5);
  EXPECT_DOUBLE_EQ(throughput.step, 50);
  EXPECT_EQ(throughput.values, (std::vector<double>{0, 50, 100, 150}));
  const Ticks sizes = nice_ticks(2000, 8000);
  EXPECT_DOUBLE_EQ(sizes.step, 2000);
  EXPECT_DOUBLE_EQ(sizes.low, 2000);
  EXPECT_DOUBLE_EQ(sizes.high, 8000);
}

TEST(NiceTicks, AnEmptyRangeStillGetsAnAxisAroundItsValue) {
  const Ticks single = nice_ticks(5, 5);
  EXPECT_LT(single.low, 5);
  EXPECT_GT(single.high, 5);
  const Ticks zero = nice_ticks(0, 0);
  EXPECT_LT(zero.low, zero.high);
}

TEST(TickLabel, HasTheDecimalsTheStepNeeds) {
  EXPECT_EQ(tick_label(2000, 500), "2000");
  EXPECT_EQ(tick_label(0.4, 0.2), "0.4");
  EXPECT_EQ(tick_label(0.05, 0.05), "0.05");
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");  // rounding noise is not "-0.0"
}

}  // namespace
}  // namespace sbench::reporters::detail
