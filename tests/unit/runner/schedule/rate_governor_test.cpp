#include "schedule/rate_governor.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sbench::runner {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Recorded {
  std::string event;
  double window;
};

struct GovernorTest : ::testing::Test {
  Clock::time_point t0 = Clock::now();
  std::vector<Recorded> events;
  RateGovernor make(ProviderLimits limits) {
    return RateGovernor(limits, t0, [this](std::string event, double window, std::string) {
      events.push_back({std::move(event), window});
    });
  }
  std::size_t count(const std::string& event) const {
    std::size_t n = 0;
    for (const Recorded& recorded : events)
      n += recorded.event == event;
    return n;
  }
};

TEST_F(GovernorTest, AConfiguredConcurrencyIsTheWindowFromTheStart) {
  RateGovernor governor = make({.max_concurrency = 3});
  EXPECT_TRUE(governor.admit(10, t0).admitted);
  EXPECT_TRUE(governor.admit(10, t0).admitted);
  EXPECT_TRUE(governor.admit(10, t0).admitted);
  const RateGovernor::Admission full = governor.admit(10, t0);
  EXPECT_FALSE(full.admitted);
  EXPECT_FALSE(full.retry_at);  // only a finishing request makes room
  governor.succeeded(10, 10, {}, t0);
  EXPECT_TRUE(governor.admit(10, t0).admitted);
  EXPECT_DOUBLE_EQ(governor.window(), 3);  // never above the configured cap
}

TEST_F(GovernorTest, RpmBucketPacesRequestsAtItsRate) {
  RateGovernor governor = make({.rpm = 60, .burst_seconds = 2});  // 1/s, 2 saved up
  EXPECT_TRUE(governor.admit(1, t0).admitted);
  governor.succeeded(1, 1, {}, t0);
  EXPECT_TRUE(governor.admit(1, t0).admitted);
  governor.succeeded(1, 1, {}, t0);
  const RateGovernor::Admission third = governor.admit(1, t0);
  ASSERT_FALSE(third.admitted);
  ASSERT_TRUE(third.retry_at);
  EXPECT_NEAR(std::chrono::duration<double>(*third.retry_at - t0).count(), 1.0, 0.01);
  EXPECT_TRUE(governor.admit(1, *third.retry_at).admitted);
}

TEST_F(GovernorTest, TpmChargesTheEstimateAndSettlesOnTheReportedUsage) {
  RateGovernor governor = make({.tpm = 6000, .burst_seconds = 1});  // 100 tokens a second
  EXPECT_TRUE(governor.admit(100, t0).admitted);
  EXPECT_FALSE(governor.admit(100, t0).admitted);
  // The run used 20 tokens, not 100: 80 go back at once.
  governor.succeeded(100, 20, {}, t0);
  EXPECT_TRUE(governor.admit(80, t0).admitted);
}

TEST_F(GovernorTest, OneThrottleEpisodeHalvesTheWindowOnceAndPausesForRetryAfter) {
  RateGovernor governor = make({.max_concurrency = 16});
  for (int i = 0; i < 16; ++i)
    ASSERT_TRUE(governor.admit(1, t0).admitted);
  const Clock::time_point t1 = t0 + milliseconds(10);
  // All three were sent at t0, before the first decrease: one episode.
  governor.throttled(milliseconds(2'000), {}, t0, t1);
  governor.throttled(milliseconds(2'000), {}, t0, t1 + milliseconds(5));
  governor.throttled(milliseconds(2'000), {}, t0, t1 + milliseconds(9));
  EXPECT_DOUBLE_EQ(governor.window(), 8);
  EXPECT_EQ(count("decrease"), 1u);
  const RateGovernor::Admission paused = governor.admit(1, t1 + milliseconds(100));
  EXPECT_FALSE(paused.admitted);
  ASSERT_TRUE(paused.retry_at);
  EXPECT_GE(*paused.retry_at, t1 + milliseconds(2'000));
  EXPECT_GE(governor.backoff_time(t1 + milliseconds(5'000)), milliseconds(2'000));
  // After the pause, answers grow the window again: slow start to nothing
  // above the halved threshold, then one per window.
  for (int i = 0; i < 13; ++i)
    governor.succeeded(1, 1, {}, t1 + milliseconds(3'000));
  EXPECT_GT(governor.window(), 8);
  EXPECT_LE(governor.window(), 16);
  // A throttle of a request sent after the decrease is a new episode.
  governor.throttled(milliseconds(100), {}, t1 + milliseconds(3'000), t1 + milliseconds(3'100));
  EXPECT_EQ(count("decrease"), 2u);
}

TEST_F(GovernorTest, WithoutAConfiguredConcurrencyTheWindowSlowStartsFromFour) {
  RateGovernor governor = make({});
  EXPECT_DOUBLE_EQ(governor.window(), 4);
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(governor.admit(1, t0).admitted);
  for (int i = 0; i < 4; ++i)
    governor.succeeded(1, 1, {}, t0);
  EXPECT_DOUBLE_EQ(governor.window(), 8);  // doubled in one round trip
}

TEST_F(GovernorTest, AdoptsALowerStatedLimitAndWaitsForItsNextRequest) {
  RateGovernor governor = make({.rpm = 6000});
  RateLimitHeaders headers;
  headers.limit_requests = 600;  // 10 a second
  headers.remaining_requests = 0;
  headers.reset_requests = milliseconds(1'500);
  ASSERT_TRUE(governor.admit(1, t0).admitted);
  governor.succeeded(1, 1, headers, t0);
  EXPECT_EQ(count("adopt_rpm"), 1u);
  // Empty now; the next request is one tenth of a second away, not the
  // 1.5 s until the provider's bucket is full again.
  const RateGovernor::Admission next = governor.admit(1, t0 + milliseconds(10));
  EXPECT_FALSE(next.admitted);
  ASSERT_TRUE(next.retry_at);
  EXPECT_NEAR(std::chrono::duration<double>(*next.retry_at - t0).count(), 0.1, 0.005);
}

TEST_F(GovernorTest, WithoutARateAnExhaustedCounterPausesUntilItsReset) {
  RateGovernor governor = make({.max_concurrency = 4});
  RateLimitHeaders headers;
  headers.remaining_requests = 0;
  headers.reset_requests = milliseconds(1'500);
  ASSERT_TRUE(governor.admit(1, t0).admitted);
  governor.succeeded(1, 1, headers, t0);
  const RateGovernor::Admission paused = governor.admit(1, t0 + milliseconds(10));
  EXPECT_FALSE(paused.admitted);
  EXPECT_GE(*paused.retry_at, t0 + milliseconds(1'500));
}

TEST_F(GovernorTest, AThrottleTheRateCountersExplainDoesNotShrinkTheWindow) {
  RateGovernor governor = make({.max_concurrency = 8, .rpm = 600});
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(governor.admit(1, t0).admitted);
  RateLimitHeaders headers;
  headers.remaining_requests = 0;
  governor.throttled(milliseconds(3), headers, t0, t0 + milliseconds(1));
  EXPECT_DOUBLE_EQ(governor.window(), 8);
  EXPECT_EQ(count("decrease"), 0u);
  governor.throttled(milliseconds(1'000), {}, t0, t0 + milliseconds(2));  // a concurrency cap
  EXPECT_DOUBLE_EQ(governor.window(), 4);
}

TEST_F(GovernorTest, ATimeoutHalvesTheWindowButAnotherFailureDoesNot) {
  RateGovernor governor = make({.max_concurrency = 8});
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(governor.admit(1, t0).admitted);
  governor.failed(false, t0, t0 + milliseconds(5));  // a 500
  EXPECT_DOUBLE_EQ(governor.window(), 8);
  governor.failed(true, t0, t0 + milliseconds(6));
  governor.failed(true, t0, t0 + milliseconds(7));  // same episode
  EXPECT_DOUBLE_EQ(governor.window(), 4);
  EXPECT_EQ(governor.paused_until(), Clock::time_point{});  // no pause
}

TEST(ResetDuration, ReadsOpenAIsFormats) {
  EXPECT_EQ(parse_reset_duration("1s"), milliseconds(1'000));
  EXPECT_EQ(parse_reset_duration("6m0s"), milliseconds(360'000));
  EXPECT_EQ(parse_reset_duration("20ms"), milliseconds(20));
  EXPECT_EQ(parse_reset_duration("1.5s"), milliseconds(1'500));
  EXPECT_EQ(parse_reset_duration("2h3m"), milliseconds(7'380'000));
  EXPECT_FALSE(parse_reset_duration("soon"));
  EXPECT_FALSE(parse_reset_duration(""));
}

}  // namespace
}  // namespace sbench::runner
