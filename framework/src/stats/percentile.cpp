#include <cmath>

#include "sbench/stats/summary.hpp"

namespace sbench::stats {

double percentile_of_sorted(std::span<const double> sorted, double p) {
  const double rank = static_cast<double>(sorted.size() - 1) * p / 100.0;
  const double below = std::floor(rank);
  const auto index = static_cast<std::size_t>(below);
  if (index + 1 >= sorted.size())
    return sorted.back();
  return sorted[index] + (rank - below) * (sorted[index + 1] - sorted[index]);
}

}  // namespace sbench::stats
