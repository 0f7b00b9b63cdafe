#include "report/svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <sstream>

#include "report/nice_ticks.hpp"
#include "report/number_format.hpp"
#include "sbench/reporters/html_escape.hpp"

namespace sbench::reporters {
namespace detail {
namespace {

constexpr double kWidth = 640;
constexpr double kHeight = 360;
constexpr double kLeft = 76;  // room for y tick labels and the y axis title
constexpr double kRight = 24;
constexpr double kTop = 60;  // title and legend
constexpr double kBottom = 56;
constexpr std::array<const char*, 6> kColours = {"#1f77b4", "#d62728", "#2ca02c",
                                                 "#9467bd", "#ff7f0e", "#17becf"};

std::string px(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

struct Extent {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
};

std::string open_svg(const LineChart& chart) {
  const std::string title = escape_html(chart.title);
  return "<svg class=\"chart\" viewBox=\"0 0 " + px(kWidth) + " " + px(kHeight) + "\" width=\"" +
         px(kWidth) + "\" height=\"" + px(kHeight) + "\" role=\"img\" aria-label=\"" + title +
         "\">\n<text class=\"chart-title\" x=\"" + px(kWidth / 2) +
         "\" y=\"24\" text-anchor=\"middle\">" + title + "</text>\n";
}

std::string no_data(const LineChart& chart) {
  return open_svg(chart) + "<text class=\"no-data\" x=\"" + px(kWidth / 2) + "\" y=\"" +
         px(kHeight / 2) + "\" text-anchor=\"middle\">no data</text>\n</svg>\n";
}

void draw_legend(const LineChart& chart, std::ostringstream& svg) {
  double x = kLeft;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const char* colour = kColours[i % kColours.size()];
    svg << "<rect x=\"" << px(x) << "\" y=\"38\" width=\"12\" height=\"12\" fill=\"" << colour
        << "\"/><text class=\"legend\" x=\"" << px(x + 16) << "\" y=\"48\">"
        << escape_html(chart.series[i].name) << "</text>\n";
    x += 40 + 7.0 * static_cast<double>(chart.series[i].name.size());
  }
}

void draw_axes(const LineChart& chart, const Ticks& x_ticks, const Ticks& y_ticks,
               const LinearScale& x, const LinearScale& y, std::ostringstream& svg) {
  for (const double tick : y_ticks.values) {
    svg << "<line class=\"grid\" x1=\"" << px(kLeft) << "\" x2=\"" << px(kWidth - kRight)
        << "\" y1=\"" << px(y(tick)) << "\" y2=\"" << px(y(tick)) << "\"/>"
        << "<text class=\"tick\" x=\"" << px(kLeft - 8) << "\" y=\"" << px(y(tick) + 4)
        << "\" text-anchor=\"end\">" << tick_label(tick, y_ticks.step) << "</text>\n";
  }
  for (const double tick : x_ticks.values) {
    svg << "<line class=\"tick-mark\" x1=\"" << px(x(tick)) << "\" x2=\"" << px(x(tick))
        << "\" y1=\"" << px(kHeight - kBottom) << "\" y2=\"" << px(kHeight - kBottom + 5)
        << "\"/><text class=\"tick\" x=\"" << px(x(tick)) << "\" y=\"" << px(kHeight - kBottom + 20)
        << "\" text-anchor=\"middle\">" << tick_label(tick, x_ticks.step) << "</text>\n";
  }
  svg << "<line class=\"axis\" x1=\"" << px(kLeft) << "\" x2=\"" << px(kWidth - kRight)
      << "\" y1=\"" << px(kHeight - kBottom) << "\" y2=\"" << px(kHeight - kBottom) << "\"/>"
      << "<line class=\"axis\" x1=\"" << px(kLeft) << "\" x2=\"" << px(kLeft) << "\" y1=\""
      << px(kTop) << "\" y2=\"" << px(kHeight - kBottom) << "\"/>\n"
      << "<text class=\"axis-title\" x=\"" << px((kLeft + kWidth - kRight) / 2) << "\" y=\""
      << px(kHeight - 12) << "\" text-anchor=\"middle\">" << escape_html(chart.x_label)
      << "</text>\n"
      << "<text class=\"axis-title\" transform=\"translate(18 "
      << px((kTop + kHeight - kBottom) / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
      << escape_html(chart.y_label) << "</text>\n";
}

void draw_series(const ChartSeries& series, const char* colour, const LinearScale& x,
                 const LinearScale& y, std::ostringstream& svg) {
  std::vector<std::pair<double, double>> points = series.points;
  std::sort(points.begin(), points.end());
  svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
  for (const auto& [x_value, y_value] : points)
    svg << px(x(x_value)) << "," << px(y(y_value)) << " ";
  svg << "\"/>\n";
  for (const auto& [x_value, y_value] : points) {
    svg << "<circle cx=\"" << px(x(x_value)) << "\" cy=\"" << px(y(y_value)) << "\" r=\"4\" fill=\""
        << colour << "\"><title>" << escape_html(series.name) << ": " << format_number(x_value)
        << " → " << format_number(y_value) << "</title></circle>\n";
  }
}

}  // namespace

double LinearScale::operator()(double value) const {
  const double span = domain_high - domain_low;
  if (span == 0)
    return (range_low + range_high) / 2;
  return range_low + (value - domain_low) / span * (range_high - range_low);
}

}  // namespace detail

std::string render_line_chart(const LineChart& chart) {
  using namespace detail;
  Extent x_extent;
  Extent y_extent;
  for (const ChartSeries& series : chart.series) {
    for (const auto& [x, y] : series.points) {
      x_extent.add(x);
      y_extent.add(y);
    }
  }
  if (x_extent.low > x_extent.high)
    return no_data(chart);
  if (chart.y_from_zero)
    y_extent.add(0);
  const Ticks x_ticks = nice_ticks(x_extent.low, x_extent.high);
  const Ticks y_ticks = nice_ticks(y_extent.low, y_extent.high);
  const LinearScale x{x_ticks.low, x_ticks.high, kLeft, kWidth - kRight};
  const LinearScale y{y_ticks.low, y_ticks.high, kHeight - kBottom, kTop};

  std::ostringstream svg;
  svg << open_svg(chart);
  draw_legend(chart, svg);
  draw_axes(chart, x_ticks, y_ticks, x, y, svg);
  for (std::size_t i = 0; i < chart.series.size(); ++i)
    draw_series(chart.series[i], kColours[i % kColours.size()], x, y, svg);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace sbench::reporters
