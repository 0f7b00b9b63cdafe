#pragma once

#include <benchmark/benchmark.h>

#include <vector>

#include "sbench/agent_cache.hpp"
#include "sbench/backend.hpp"
#include "suite_support/saved_agent.hpp"

namespace sbench::suites {

// Client-side milliseconds of each timed cache operation of a case, and the
// last answer (for the bytes it moved).
struct CacheTimes {
  std::vector<double> ms;
  CacheOperationResult last;

  double median_ms() const;
  double mb_per_s() const;  // last.bytes over the median time; NaN when unknown
};

// The case's iterations, each timing one save of the resident agent.
CacheTimes time_saves(benchmark::State& state, BackendClient& backend, const SavedAgent& saved);

// The case's iterations, each timing one load of the unloaded agent, then
// (untimed) the generation that proves the load was used.
CacheTimes time_loads(benchmark::State& state, BackendClient& backend, const SavedAgent& saved);

}  // namespace sbench::suites
