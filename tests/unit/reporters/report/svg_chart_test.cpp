#include "report/svg_chart.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace sbench::reporters::detail {
namespace {

struct Point {
  double x, y;
};

// The markers' pixel positions, in drawing order.
std::vector<Point> markers(const std::string& svg) {
  static const std::regex circle(R"re(<circle cx="([0-9.]+)" cy="([0-9.]+)")re");
  std::vector<Point> points;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), circle); it != std::sregex_iterator();
       ++it)
    points.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return points;
}

TEST(LinearScale, MapsTheDomainOntoTheRangeAndCanFlip) {
  const LinearScale x{0, 10, 100, 600};
  EXPECT_DOUBLE_EQ(x(0), 100);
  EXPECT_DOUBLE_EQ(x(10), 600);
  EXPECT_DOUBLE_EQ(x(5), 350);
  const LinearScale y{0, 200, 300, 60};  // SVG y grows downwards
  EXPECT_DOUBLE_EQ(y(0), 300);
  EXPECT_DOUBLE_EQ(y(200), 60);
  EXPECT_DOUBLE_EQ(y(50), 240);
}

TEST(LineChart, PlacesPointsInTheOrderOfTheData) {
  // Given out of order: the chart sorts by x.
  const LineChart chart{
      "Throughput", "agents", "tokens/s", {{"tokens/s", {{5, 131.5}, {1, 42.2}, {3, 98.7}}}}};
  const std::vector<Point> points = markers(render_line_chart(chart));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_LT(points[0].x, points[1].x);
  EXPECT_LT(points[1].x, points[2].x);
  EXPECT_GT(points[0].y, points[1].y);  // more tokens/s is higher up, a smaller y
  EXPECT_GT(points[1].y, points[2].y);
  // Distances keep the data's proportions: 1->3 is as far as 3->5 in x.
  EXPECT_NEAR(points[1].x - points[0].x, points[2].x - points[1].x, 0.2);
}

TEST(LineChart, HasTitleAxisTitlesTickLabelsAndALegend) {
  const LineChart chart{
      "Cache save and load time vs size",
      "cache size (tokens)",
      "time (ms)",
      {{"save ms", {{2000, 21.4}, {8000, 83.6}}}, {"load ms", {{2000, 15.2}, {8000, 61.3}}}}};
  const std::string svg = render_line_chart(chart);
  EXPECT_NE(svg.find(">Cache save and load time vs size</text>"), std::string::npos);
  EXPECT_NE(svg.find(">cache size (tokens)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">time (ms)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">8000</text>"), std::string::npos);  // an x tick
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);     // the y axis starts at zero
  EXPECT_NE(svg.find("class=\"legend\""), std::string::npos);
  EXPECT_NE(svg.find(">load ms</text>"), std::string::npos);
  EXPECT_EQ(markers(svg).size(), 4u);
  EXPECT_EQ(svg.find("http"), std::string::npos);  // no namespace URL, nothing external
}

TEST(LineChart, WithoutDataShowsANoDataPlaceholder) {
  for (const LineChart& chart : {LineChart{"Memory", "agents", "MB", {}},
                                 LineChart{"Memory", "agents", "MB", {{"rss", {}}}}}) {
    const std::string svg = render_line_chart(chart);
    EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
    EXPECT_NE(svg.find(">Memory</text>"), std::string::npos);
    EXPECT_EQ(svg.find("<circle"), std::string::npos);
  }
}

TEST(LineChart, EscapesEveryText) {
  const LineChart chart{"<script>t</script>", "x & y", "\"y\"", {{"<b>", {{1, 1}}}}};
  const std::string svg = render_line_chart(chart);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;t&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("x &amp; y"), std::string::npos);
  EXPECT_NE(svg.find("&quot;y&quot;"), std::string::npos);
}

}  // namespace
}  // namespace sbench::reporters::detail
