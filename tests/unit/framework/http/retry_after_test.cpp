#include "http/retry_after.hpp"

#include <gtest/gtest.h>

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
const auto kRfcExample = std::chrono::system_clock::from_time_t(784111777);

TEST(RetryAfter, DelaySeconds) {
  EXPECT_EQ(parse_retry_after("120", kRfcExample), seconds(120));
  EXPECT_EQ(parse_retry_after(" 0 ", kRfcExample), seconds(0));
}

TEST(RetryAfter, HttpDateInAllThreeForms) {
  const auto now = kRfcExample - seconds(30);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds(30));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), seconds(30));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), seconds(30));
}

TEST(RetryAfter, DateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kRfcExample + seconds(5)),
            milliseconds(0));
}

TEST(RetryAfter, NonsenseIsIgnored) {
  EXPECT_FALSE(parse_retry_after("", kRfcExample));
  EXPECT_FALSE(parse_retry_after("-5", kRfcExample));
  EXPECT_FALSE(parse_retry_after("soon", kRfcExample));
  EXPECT_FALSE(parse_retry_after("1.5", kRfcExample));
}

}  // namespace
}  // namespace sbench::http
