#pragma once

#include <cstdint>
#include <vector>

#include "sbench/runner/sweep.hpp"

namespace sbench::runner {

// When each of `count` requests arrives, in seconds after the start, for an
// open-loop run at `rate` requests/s: evenly spaced (constant), exponential
// gaps (Poisson) or gamma gaps whose coefficient of variation is `gamma_cv`
// (above 1: burstier than Poisson). The same seed gives the same schedule.
std::vector<double> arrival_times(Arrivals kind, double rate, std::size_t count, double gamma_cv,
                                  std::uint64_t seed);

}  // namespace sbench::runner
