#include <gtest/gtest.h>

#include <stdexcept>

#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

TEST(ParseFailRule, ReadsStatisticAndPercent) {
  const FailRule mean = parse_fail_rule("mean:5%");
  EXPECT_EQ(mean.statistic, Statistic::mean);
  EXPECT_DOUBLE_EQ(mean.percent, 5);
  const FailRule median = parse_fail_rule("median:2.5");
  EXPECT_EQ(median.statistic, Statistic::median);
  EXPECT_DOUBLE_EQ(median.percent, 2.5);
  EXPECT_EQ(parse_fail_rule("min:0%").statistic, Statistic::min);
  EXPECT_EQ(parse_fail_rule("max:10%").statistic, Statistic::max);
}

TEST(ParseFailRule, RejectsBadSpecsNamingThem) {
  for (const char* spec : {"mean", "mean:", "avg:5%", "mean:five%", "mean:5%%", "mean:-1%",
                           "mean:inf", ":5%", "mean:5%x"}) {
    try {
      parse_fail_rule(spec);
      ADD_FAILURE() << spec << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(spec), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace sbench::reporters
