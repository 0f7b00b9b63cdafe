#include <gtest/gtest.h>

#include "sbench/markers.hpp"

namespace sbench {
namespace {

bool selects(std::string_view expression, const MarkerSet& markers) {
  return MarkerExpression::parse(expression).selects(markers);
}

std::string parse_error(std::string_view expression) {
  try {
    MarkerExpression::parse(expression);
  } catch (const MarkerError& error) {
    return error.what();
  }
  return "no error";
}

TEST(MarkerExpression, EmptySelectsEverything) {
  EXPECT_TRUE(selects("", {}));
  EXPECT_TRUE(selects("   ", {"slow"}));
  EXPECT_TRUE(MarkerExpression().selects({}));
}

TEST(MarkerExpression, SingleMarker) {
  EXPECT_TRUE(selects("benchmark", {"benchmark", "slow"}));
  EXPECT_FALSE(selects("benchmark", {"slow"}));
}

TEST(MarkerExpression, AndBindsTighterThanOr) {
  // a or (b and c)
  EXPECT_TRUE(selects("a or b and c", {"a"}));
  EXPECT_FALSE(selects("a or b and c", {"b"}));
  EXPECT_TRUE(selects("a or b and c", {"b", "c"}));
}

TEST(MarkerExpression, NotAndParentheses) {
  EXPECT_TRUE(selects("benchmark and not slow", {"benchmark"}));
  EXPECT_FALSE(selects("benchmark and not slow", {"benchmark", "slow"}));
  EXPECT_TRUE(selects("not (slow or memory)", {"benchmark"}));
  EXPECT_FALSE(selects("not (slow or memory)", {"memory"}));
  EXPECT_TRUE(selects("not not slow", {"slow"}));
  EXPECT_TRUE(selects("((a))", {"a"}));
}

TEST(MarkerExpression, ListsTheMarkersItMentions) {
  const auto expression = MarkerExpression::parse("benchmark and not (slow or memory)");
  EXPECT_EQ(expression.mentioned(), (MarkerSet{"benchmark", "memory", "slow"}));
  EXPECT_EQ(expression.text(), "benchmark and not (slow or memory)");
}

TEST(MarkerExpression, ErrorsSayWhatWasExpectedWhere) {
  EXPECT_EQ(parse_error("benchmark and"),
            "marker expression \"benchmark and\": expected a marker name at end");
  EXPECT_EQ(parse_error("benchmark slow"),
            "marker expression \"benchmark slow\": expected 'and', 'or' or the end at column 11, "
            "got 'slow'");
  EXPECT_EQ(parse_error("(a or b"), "marker expression \"(a or b\": expected ')' at end");
  EXPECT_EQ(parse_error("a and )"),
            "marker expression \"a and )\": expected a marker name at column 7, got ')'");
  EXPECT_EQ(parse_error("a && b"), "marker expression \"a && b\": unexpected '&' at column 3");
  EXPECT_EQ(parse_error("not"), "marker expression \"not\": expected a marker name at end");
}

TEST(RequireDeclared, NamesTheUserAndTheMarker) {
  EXPECT_NO_THROW(require_declared({"benchmark"}, {"benchmark", "slow"}, "case x"));
  try {
    require_declared({"benchmark", "gpu"}, {"benchmark", "slow"}, "case x");
    FAIL() << "expected MarkerError";
  } catch (const MarkerError& error) {
    EXPECT_STREQ(error.what(),
                 "case x uses undeclared marker 'gpu' (declared: benchmark, slow; declare it "
                 "under [markers] in sbench.toml)");
  }
}

}  // namespace
}  // namespace sbench
