#include "suite_support/cache_timing.hpp"

#include <limits>

#include "suite_support/counters.hpp"

namespace sbench::suites {
namespace {

void record(benchmark::State& state, CacheTimes& times, CacheOperationResult result) {
  state.SetIterationTime(result.client_ms / 1e3);
  times.ms.push_back(result.client_ms);
  times.last = std::move(result);
}

}  // namespace

double CacheTimes::median_ms() const {
  return median(ms);
}

double CacheTimes::mb_per_s() const {
  const double time_ms = median_ms();
  if (!last.bytes || !(time_ms > 0))
    return std::numeric_limits<double>::quiet_NaN();
  return to_mb(static_cast<double>(*last.bytes)) / (time_ms / 1e3);
}

CacheTimes time_saves(benchmark::State& state, BackendClient& backend, const SavedAgent& saved) {
  CacheTimes times;
  for (auto _ : state)
    record(state, times, save_again(backend, saved));
  return times;
}

CacheTimes time_loads(benchmark::State& state, BackendClient& backend, const SavedAgent& saved) {
  CacheTimes times;
  for (auto _ : state) {
    record(state, times, load_saved(backend, saved));
    // Checked inside: the generation verifies that the load was reused.
    (void)generate_after_load(backend, saved, 1);
  }
  return times;
}

}  // namespace sbench::suites
