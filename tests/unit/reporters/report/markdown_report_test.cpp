#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sbench/reporters/report.hpp"
#include "support/sample_results.hpp"

namespace sbench::reporters {
namespace {

using testing::sample_results;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The text of the section with this heading, up to the next heading.
std::string section(const std::string& markdown, const std::string& heading) {
  const std::size_t start = markdown.find("\n## " + heading);
  if (start == std::string::npos)
    return "";
  return markdown.substr(start, markdown.find("\n## ", start + 1) - start);
}

TEST(MarkdownReport, SummarisesTheRunContext) {
  const std::string md = markdown_report(sample_results("full_run.json"));
  const std::string run = section(md, "Run");
  EXPECT_TRUE(contains(run, "| Model | small |"));
  EXPECT_TRUE(contains(run, "| Backend | reference |"));
  EXPECT_TRUE(contains(run, "| Quick mode | no |"));
  EXPECT_TRUE(contains(run, "| Host | bench-01 |"));
  EXPECT_TRUE(contains(run, "| CPU | AMD EPYC 7B13 |"));
  EXPECT_TRUE(contains(run, "| Cores | 2 |"));
  EXPECT_TRUE(contains(run, "| Commit | d9c4512a0b7e |"));
  EXPECT_TRUE(contains(run, "| Time | 2026-11-23T14:00:00Z |"));
}

TEST(MarkdownReport, ShowsTheComprehensiveMetrics) {
  const std::string md =
      section(markdown_report(sample_results("full_run.json")), "Comprehensive benchmark");
  EXPECT_TRUE(contains(md, "| model_load_time_sec | 2.41 | s |"));
  EXPECT_TRUE(contains(md, "| cache_load_time_ms | 61.3 | ms |"));
  EXPECT_TRUE(contains(md, "| throughput_tokens_per_sec | 131.5 | tokens/s |"));
  EXPECT_TRUE(contains(md, "| memory_usage_gb | 0.61 | GB |"));
}

TEST(MarkdownReport, ShowsThroughputPerAgentCountFromTheComparisonCase) {
  const std::string md =
      section(markdown_report(sample_results("full_run.json")), "Throughput vs agents");
  // agents | tokens/s | speedup | TTFT ms (median of 3) | ITL ms (median of 3)
  EXPECT_TRUE(contains(md, "| 1 | 42.2 | 1 | 119.2 | 23.1 |"));
  EXPECT_TRUE(contains(md, "| 3 | 98.7 | 2.339 | 160.2 | 30.1 |"));
  EXPECT_TRUE(contains(md, "| 5 | 131.5 | 3.116 | 201 | 37.2 |"));
}

TEST(MarkdownReport, FallsBackToThePerModelCasesForThroughput) {
  nlohmann::json results = sample_results("full_run.json");
  auto& cases = results["cases"];
  cases.erase(
      std::remove_if(cases.begin(), cases.end(),
                     [](const nlohmann::json& c) { return c["case"] == "throughput_comparison"; }),
      cases.end());
  const std::string md = section(markdown_report(results), "Throughput vs agents");
  // Medians of the sequential and batched cases; speedup against one agent.
  EXPECT_TRUE(contains(md, "| 1 | 42.1 | 1 |"));
  EXPECT_TRUE(contains(md, "| 5 | 131 | 3.112 |"));  // 131.0 / 42.1
}

TEST(MarkdownReport, ShowsCacheSaveAndLoadPerSize) {
  const std::string md = section(markdown_report(sample_results("full_run.json")), "Cache save");
  // tokens | save ms | save MB/s | load ms | load MB/s | TTFT after load ms | resume speedup
  EXPECT_TRUE(contains(md, "| 2000 | 21.4 | 5841 | 15.2 | 8224 | 31 | 53.68 |"));
  EXPECT_TRUE(contains(md, "| 8000 | 83.6 | "));
  EXPECT_TRUE(contains(md, "| 61.3 |"));
}

TEST(MarkdownReport, ShowsMemoryPerAgent) {
  const std::string md =
      section(markdown_report(sample_results("full_run.json")), "Memory per agent");
  // agents | server RSS MB | RSS growth MB | per agent MB | KV allocated MB
  EXPECT_TRUE(contains(md, "| 1 | 512.4 | 12.4 | 12.4 | 11.5 |"));
  EXPECT_TRUE(contains(md, "| 10 | 624 | 124 | 12.4 | 115 |"));
}

TEST(MarkdownReport, ShowsEveryTargetVerdictWithItsBand) {
  const std::string md = section(markdown_report(sample_results("full_run.json")), "Targets");
  EXPECT_TRUE(contains(md, "## Targets: Sprint 6"));
  EXPECT_TRUE(contains(md, "4 passed, 2 missed, 2 not measured (`config/targets/sprint6.toml`)"));
  EXPECT_TRUE(contains(md,
                       "| cache.load_8k | load_ms of cache_load_time/tokens:8000/manual_time | "
                       "61.3 | &lt; 500 | pass | good |"));
  EXPECT_TRUE(contains(md,
                       "| memory.per_agent | per_agent_mb of memory_per_agent/agents:10/real_time "
                       "| 12.4 | &lt; 5 | MISS | poor |"));
  EXPECT_TRUE(contains(md,
                       "| memory.padding | padding_pct of block_padding_overhead | — | &lt; 5 | "
                       "not measured |  |"));
}

TEST(MarkdownReport, ListsErrorsSkipsAndWarningsWithReasons) {
  const std::string md = markdown_report(sample_results("full_run.json"));
  EXPECT_TRUE(contains(section(md, "Errors and skips"),
                       "| memory_per_agent/agents:20/real_time | error | server exited with status "
                       "137 (killed) while 20 agents were generating |"));
  EXPECT_TRUE(contains(section(md, "Errors and skips"),
                       "| skipped | backend llamacpp has no server-side memory stats |"));
  EXPECT_TRUE(contains(section(md, "Warnings"),
                       "| memory_leak_check/real_time | high CV 0.77 on rss_slope_kb_per_cycle |"));
}

TEST(MarkdownReport, SaysNotRunForSuitesThatDidNotRun) {
  const std::string md =
      markdown_report({{"schema_version", 1}, {"cases", nlohmann::json::array()}});
  for (const char* heading :
       {"Comprehensive benchmark", "Throughput vs agents", "Cache save", "Memory per agent"})
    EXPECT_TRUE(contains(section(md, heading), "_not run_")) << heading;
  EXPECT_TRUE(contains(section(md, "Targets"), "no target check"));
  EXPECT_TRUE(contains(section(md, "Run"), "| Model | unknown |"));
}

TEST(MarkdownReport, OneMissingSuiteLeavesTheOthersIntact) {
  nlohmann::json results = sample_results("full_run.json");
  auto& cases = results["cases"];
  cases.erase(
      std::remove_if(cases.begin(), cases.end(),
                     [](const nlohmann::json& c) { return c["suite"] == "memory_utilization"; }),
      cases.end());
  const std::string md = markdown_report(results);
  EXPECT_TRUE(contains(section(md, "Memory per agent"), "_not run_"));
  EXPECT_TRUE(contains(section(md, "Cache save"), "| 2000 | 21.4 |"));
}

TEST(MarkdownReport, ToleratesFieldsOfTheWrongType) {
  nlohmann::json results = sample_results("full_run.json");
  results["context"] = "not an object";
  results["targets"]["results"] = 7;
  results["cases"][0]["counters"] = nlohmann::json::array({1, 2});
  results["cases"][1]["args"] = nullptr;
  results["cases"].push_back(42);
  EXPECT_NO_THROW(markdown_report(results));
}

TEST(MarkdownReport, EscapesTableBreakingText) {
  nlohmann::json results = sample_results("full_run.json");
  results["cases"].back()["message"] = "a | b\nc <script>";
  const std::string md = markdown_report(results);
  EXPECT_TRUE(contains(md, "a \\| b c &lt;script>"));
  EXPECT_FALSE(contains(md, "<script>"));
}

}  // namespace
}  // namespace sbench::reporters
