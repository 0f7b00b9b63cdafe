#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

double summarise(std::vector<double> values, Statistic statistic) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  switch (statistic) {
    case Statistic::mean:
      return std::accumulate(values.begin(), values.end(), 0.0) /
             static_cast<double>(values.size());
    case Statistic::median: {
      const std::size_t middle = values.size() / 2;
      return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
    case Statistic::min:
      return values.front();
    case Statistic::max:
      return values.back();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

double CounterChange::statistic(Statistic which, bool of_next) const {
  return summarise(of_next ? next : base, which);
}

std::optional<double> CounterChange::change_percent(Statistic which) const {
  const double before = statistic(which, false);
  const double after = statistic(which, true);
  if (before == 0 || !std::isfinite(before) || !std::isfinite(after))
    return std::nullopt;
  return (after - before) / std::fabs(before) * 100;
}

std::optional<double> CounterChange::worsening_percent(Statistic which) const {
  const std::optional<double> change = change_percent(which);
  if (!change || direction == BetterDirection::unknown)
    return std::nullopt;
  return direction == BetterDirection::lower ? *change : -*change;
}

}  // namespace sbench::reporters
