#include "load/arrivals.hpp"

#include <random>

namespace sbench::runner {

std::vector<double> arrival_times(Arrivals kind, double rate, std::size_t count, double gamma_cv,
                                  std::uint64_t seed) {
  std::vector<double> times;
  times.reserve(count);
  std::mt19937_64 random(seed);
  const double mean_gap = 1.0 / rate;
  // Gamma gaps with mean 1/rate and the asked CV: shape 1/cv^2, scale mean/shape.
  const double shape = 1.0 / (gamma_cv * gamma_cv);
  std::gamma_distribution<double> gamma_gap(shape, mean_gap / shape);
  std::exponential_distribution<double> exponential_gap(rate);
  double at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    times.push_back(at);
    switch (kind) {
      case Arrivals::constant:
        at += mean_gap;
        break;
      case Arrivals::poisson:
        at += exponential_gap(random);
        break;
      case Arrivals::gamma:
        at += gamma_gap(random);
        break;
    }
  }
  return times;
}

}  // namespace sbench::runner
