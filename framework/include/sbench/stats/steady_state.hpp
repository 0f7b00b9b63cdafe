#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <vector>

namespace sbench::stats {

using SteadyClock = std::chrono::steady_clock;

// One request as seen from the client, and what it counts for a rate:
// 1 for requests/s, its completion tokens for tokens/s.
struct TimedRequest {
  SteadyClock::time_point start;
  SteadyClock::time_point end;
  double units = 1;
};

// The warm-up to leave out (docs/MEASURING.md, "Warm-up and steady state"): the first requests by
// start time, and every request that started within `first_time` of the first one.
struct Warmup {
  std::size_t first_requests = 0;
  std::chrono::nanoseconds first_time{0};
};

// The requests after the warm-up, ordered by start time.
std::vector<TimedRequest> drop_warmup(std::span<const TimedRequest> requests, const Warmup& warmup);

// The window in which the load is steady: from the first moment at least
// `stable_fraction` of the peak in-flight count is in flight to the last
// moment it falls below that, so the ramp-up at the start and the drain at
// the end are out. The sustained rate is the units of the requests that
// completed inside the window over its length.
struct SteadyState {
  bool found = false;  // false when the load never held long enough to measure
  SteadyClock::time_point begin;
  SteadyClock::time_point end;
  std::size_t peak_in_flight = 0;
  std::size_t stable_in_flight = 0;  // the level that counts as steady
  std::size_t completed = 0;
  double units = 0;
  double rate_per_second = 0;
};

SteadyState find_steady_state(std::span<const TimedRequest> requests, double stable_fraction = 0.9);

}  // namespace sbench::stats
