#include "sbench/stats/steady_state.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sbench::stats {
namespace {

using std::chrono::milliseconds;
const SteadyClock::time_point t0{};

TimedRequest request(int start_ms, int end_ms, double units = 1) {
  return {t0 + milliseconds(start_ms), t0 + milliseconds(end_ms), units};
}

// Four agents in a closed loop, each request 100 ms, agents starting 50 ms
// apart: in flight ramps 1..4, holds 4, then drains as agents stop.
std::vector<TimedRequest> four_agents() {
  std::vector<TimedRequest> requests;
  for (int agent = 0; agent < 4; ++agent) {
    const int first = agent * 50;
    const int last = 1000 - (3 - agent) * 50;
    for (int start = first; start + 100 <= last; start += 100)
      requests.push_back(request(start, start + 100, 10));
  }
  return requests;
}

TEST(SteadyState, WindowExcludesRampUpAndDrain) {
  const SteadyState state = find_steady_state(four_agents(), 1.0);
  ASSERT_TRUE(state.found);
  EXPECT_EQ(state.peak_in_flight, 4u);
  EXPECT_EQ(state.begin, t0 + milliseconds(150));  // the fourth agent starts
  EXPECT_EQ(state.end, t0 + milliseconds(800));    // the first agent stops
  // Ends inside (150, 800]: agent 0 200..800 (7), agent 1 250..750 (6),
  // agent 2 200..800 (7), agent 3 250..750 (6).
  EXPECT_EQ(state.completed, 26u);
  EXPECT_DOUBLE_EQ(state.units, 260);
  EXPECT_NEAR(state.rate_per_second, 260 / 0.65, 1e-9);
}

TEST(SteadyState, SequentialRequestsAreSteadyAtOne) {
  const std::vector<TimedRequest> requests{request(0, 10), request(20, 30)};
  const SteadyState state = find_steady_state(requests);
  EXPECT_EQ(state.stable_in_flight, 1u);
  ASSERT_TRUE(state.found);
  EXPECT_EQ(state.completed, 2u);
  EXPECT_NEAR(state.rate_per_second, 2 / 0.030, 1e-9);
}

TEST(SteadyState, EmptyInputFindsNothing) {
  EXPECT_FALSE(find_steady_state({}).found);
}

TEST(Warmup, DropsFirstRequestsAndFirstSeconds) {
  const std::vector<TimedRequest> requests{request(30, 40), request(0, 5), request(10, 20),
                                           request(50, 60)};
  EXPECT_EQ(drop_warmup(requests, {.first_requests = 2}).size(), 2u);
  EXPECT_EQ(drop_warmup(requests, {.first_requests = 2}).front().start, t0 + milliseconds(30));
  const auto by_time = drop_warmup(requests, {.first_time = milliseconds(35)});
  ASSERT_EQ(by_time.size(), 1u);
  EXPECT_EQ(by_time.front().start, t0 + milliseconds(50));
  EXPECT_EQ(drop_warmup(requests, {}).size(), 4u);
}

}  // namespace
}  // namespace sbench::stats
