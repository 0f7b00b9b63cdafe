#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sbench::reporters {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), any order
};

// A line chart with markers: one line per series, ticks at round numbers,
// axis titles carrying the units, a legend when there are several series.
struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  bool y_from_zero = true;  // rates, times and sizes read wrong on a cut axis
};

// An inline <svg> element (no namespace URL, no external references). A chart
// without any point renders its title over a "no data" placeholder.
std::string render_line_chart(const LineChart& chart);

}  // namespace sbench::reporters
