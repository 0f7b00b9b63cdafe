#include "sbench/stats/steady_state.hpp"

#include <algorithm>
#include <cmath>

namespace sbench::stats {
namespace {

struct InFlightChange {
  SteadyClock::time_point at;
  int change;  // +1 start, -1 end
};

std::vector<InFlightChange> in_flight_changes(std::span<const TimedRequest> requests) {
  std::vector<InFlightChange> changes;
  changes.reserve(requests.size() * 2);
  for (const TimedRequest& request : requests) {
    changes.push_back({request.start, +1});
    changes.push_back({request.end, -1});
  }
  // At equal times ends go first: a request that starts as another ends does
  // not make the load look higher than it is.
  std::ranges::sort(changes, [](const InFlightChange& a, const InFlightChange& b) {
    return a.at != b.at ? a.at < b.at : a.change < b.change;
  });
  return changes;
}

}  // namespace

std::vector<TimedRequest> drop_warmup(std::span<const TimedRequest> requests,
                                      const Warmup& warmup) {
  std::vector<TimedRequest> kept(requests.begin(), requests.end());
  std::ranges::sort(kept, {}, &TimedRequest::start);
  if (kept.empty())
    return kept;
  const auto warm_from = kept.front().start + warmup.first_time;
  const auto first_kept =
      std::ranges::find_if(kept.begin() + std::min(warmup.first_requests, kept.size()), kept.end(),
                           [&](const TimedRequest& r) { return r.start >= warm_from; });
  kept.erase(kept.begin(), first_kept);
  return kept;
}

SteadyState find_steady_state(std::span<const TimedRequest> requests, double stable_fraction) {
  SteadyState state;
  const auto changes = in_flight_changes(requests);
  std::size_t in_flight = 0;
  for (const InFlightChange& change : changes) {
    in_flight += change.change;
    state.peak_in_flight = std::max(state.peak_in_flight, in_flight);
  }
  if (state.peak_in_flight == 0)
    return state;
  state.stable_in_flight = std::max<std::size_t>(
      1, static_cast<std::size_t>(
             std::ceil(stable_fraction * static_cast<double>(state.peak_in_flight))));

  bool reached = false;
  in_flight = 0;
  for (const InFlightChange& change : changes) {
    const bool was_stable = in_flight >= state.stable_in_flight;
    in_flight += change.change;
    const bool is_stable = in_flight >= state.stable_in_flight;
    if (!reached && is_stable) {
      reached = true;
      state.begin = change.at;
    }
    if (was_stable && !is_stable)
      state.end = change.at;
  }
  if (state.end <= state.begin)
    return state;
  for (const TimedRequest& request : requests) {
    if (request.end > state.begin && request.end <= state.end) {
      ++state.completed;
      state.units += request.units;
    }
  }
  const double seconds = std::chrono::duration<double>(state.end - state.begin).count();
  state.rate_per_second = state.units / seconds;
  state.found = state.completed > 0;
  return state;
}

}  // namespace sbench::stats
