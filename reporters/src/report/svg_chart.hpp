#pragma once

#include "sbench/reporters/line_chart.hpp"

namespace sbench::reporters::detail {

using reporters::ChartSeries;
using reporters::LineChart;
using reporters::render_line_chart;

// Maps a data interval onto a pixel interval; range_low > range_high flips
// the direction (SVG's y grows downwards).
struct LinearScale {
  double domain_low = 0;
  double domain_high = 1;
  double range_low = 0;
  double range_high = 1;

  double operator()(double value) const;
};

}  // namespace sbench::reporters::detail
