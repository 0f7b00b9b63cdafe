#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "sbench/reporters/report.hpp"
#include "support/sample_results.hpp"

namespace sbench::reporters {
namespace {

using testing::sample_results;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++found;
  return found;
}

TEST(HtmlReport, IsOneSelfContainedPage) {
  const std::string html = html_report(sample_results("full_run.json"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "http://"), 0u);
  EXPECT_EQ(count(html, "https://"), 0u);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "<link"), 0u);
  EXPECT_EQ(count(html, " src="), 0u);
  EXPECT_EQ(count(html, "url("), 0u);
  EXPECT_EQ(count(html, "<style>"), 1u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlReport, PlotsThroughputCacheAndMemory) {
  const std::string html = html_report(sample_results("full_run.json"));
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 4u);
  EXPECT_NE(html.find(">Throughput vs agents</text>"), std::string::npos);
  EXPECT_NE(html.find(">Cache save and load time vs size</text>"), std::string::npos);
  EXPECT_NE(html.find(">Server memory vs agents</text>"), std::string::npos);
  EXPECT_NE(html.find(">Memory per agent vs agents</text>"), std::string::npos);
  EXPECT_EQ(count(html, ">no data</text>"), 0u);
  // 3 agent counts + 2 x 3 cache sizes + 2 x 3 memory agent counts.
  EXPECT_EQ(count(html, "<circle"), 15u);
}

TEST(HtmlReport, ColoursTargetVerdicts) {
  const std::string html = html_report(sample_results("full_run.json"));
  EXPECT_EQ(count(html, "<tr class=\"pass\">"), 4u);
  EXPECT_EQ(count(html, "<tr class=\"miss\">"), 2u);
  EXPECT_EQ(count(html, "<tr class=\"not-measured\">"), 2u);
  EXPECT_NE(html.find("<td class=\"verdict\">MISS</td>"), std::string::npos);
}

TEST(HtmlReport, MissingSuitesShowNoDataAndNotRun) {
  const std::string html = html_report({{"schema_version", 1}, {"cases", nlohmann::json::array()}});
  EXPECT_EQ(count(html, ">no data</text>"), 4u);
  EXPECT_EQ(count(html, "<p class=\"not-run\">not run</p>"), 4u);
}

TEST(HtmlReport, EscapesInjectedMarkupEverywhere) {
  nlohmann::json results = sample_results("full_run.json");
  const std::string attack = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  results["context"]["host"] = attack;
  results["context"]["model"] = attack;
  results["suites"][0]["name"] = attack;
  results["targets"]["name"] = attack;
  results["targets"]["results"][0]["description"] = attack;
  results["targets"]["results"][0]["verdict"] = "\"><script>alert(3)</script>";
  results["cases"].back()["message"] = attack;
  results["cases"][0]["warnings"] = {attack};
  const std::string html = html_report(results);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "<img"), 0u);
  EXPECT_GE(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 6u);
  // An unknown verdict gets a fixed CSS class, never the text as an attribute.
  EXPECT_EQ(count(html, "\"><script"), 0u);
}

}  // namespace
}  // namespace sbench::reporters
