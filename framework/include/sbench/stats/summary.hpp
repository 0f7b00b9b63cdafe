#pragma once

#include <cstddef>
#include <span>

namespace sbench::stats {

// A spread wider than this says the result is not one number (docs/MEASURING.md, "Spread").
inline constexpr double kHighCvLimit = 0.10;

// The spread of a sample. An empty sample has n == 0 and zeros elsewhere.
struct Summary {
  std::size_t n = 0;
  double mean = 0;
  double median = 0;
  double stddev = 0;  // sample standard deviation (divides by n - 1); 0 for n < 2
  double cv = 0;      // stddev / mean; 0 when the mean is 0
  double min = 0;
  double max = 0;
  double p50 = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;

  bool high_cv(double limit = kHighCvLimit) const { return n >= 2 && cv > limit; }
};

Summary summarize(std::span<const double> sample);

// The p-th percentile (0 <= p <= 100) of an ascending, non-empty sample by
// linear interpolation between closest ranks (Hyndman and Fan type 7, the
// default of numpy and R, Excel's PERCENTILE.INC): with h = (n - 1) p / 100,
// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]), 0-based.
double percentile_of_sorted(std::span<const double> sorted, double p);

}  // namespace sbench::stats
