#include "least_squares.hpp"

namespace sbench::suites {

double least_squares_slope(std::span<const double> values) {
  const auto n = static_cast<double>(values.size());
  if (values.size() < 2)
    return 0;
  const double mean_x = (n - 1) / 2;
  double mean_y = 0;
  for (const double y : values)
    mean_y += y / n;
  double covariance = 0;
  double variance = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double dx = static_cast<double>(i) - mean_x;
    covariance += dx * (values[i] - mean_y);
    variance += dx * dx;
  }
  return covariance / variance;
}

}  // namespace sbench::suites
