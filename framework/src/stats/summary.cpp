#include "sbench/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace sbench::stats {

Summary summarize(std::span<const double> sample) {
  Summary summary;
  summary.n = sample.size();
  if (sample.empty())
    return summary;
  std::vector<double> sorted(sample.begin(), sample.end());
  std::ranges::sort(sorted);
  const double n = static_cast<double>(sorted.size());
  summary.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;
  if (sorted.size() >= 2) {
    double squares = 0;
    for (double x : sorted)
      squares += (x - summary.mean) * (x - summary.mean);
    summary.stddev = std::sqrt(squares / (n - 1));
  }
  summary.cv = summary.mean == 0 ? 0 : summary.stddev / std::abs(summary.mean);
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p50 = percentile_of_sorted(sorted, 50);
  summary.median = summary.p50;
  summary.p90 = percentile_of_sorted(sorted, 90);
  summary.p95 = percentile_of_sorted(sorted, 95);
  summary.p99 = percentile_of_sorted(sorted, 99);
  return summary;
}

}  // namespace sbench::stats
