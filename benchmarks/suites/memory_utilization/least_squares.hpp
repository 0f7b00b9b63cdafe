#pragma once

#include <span>

namespace sbench::suites {

// The slope of the least-squares line through (i, values[i]); 0 for fewer
// than two values.
double least_squares_slope(std::span<const double> values);

}  // namespace sbench::suites
