#include "sbench/reporters/part_document.hpp"

#include <gtest/gtest.h>

#include "support/sample_suite_outcome.hpp"

namespace sbench::reporters {
namespace {

const nlohmann::json& case_named(const nlohmann::json& document, const std::string& name) {
  for (const nlohmann::json& entry : document["cases"]) {
    if (entry["case"] == name)
      return entry;
  }
  throw std::runtime_error("no case " + name);
}

class PartDocumentTest : public ::testing::Test {
 protected:
  PartDocumentTest() {
    config_.server.model = "tiny";
    invocation_ = {.suite = "cache_resume",
                   .executable = "/bin/cache_resume",
                   .started = std::chrono::system_clock::time_point(std::chrono::seconds(1000)),
                   .finished = std::chrono::system_clock::time_point(std::chrono::seconds(1060)),
                   .exit_code = 1};
  }
  Config config_;
  SuiteInvocation invocation_;
};

TEST_F(PartDocumentTest, RepetitionsAggregatesAndHeadlineMedian) {
  const testing::SampleOutcome sample(config_);
  const nlohmann::json document = part_document(sample.outcome, invocation_);
  const nlohmann::json& load = case_named(document, "cache_load_time");
  EXPECT_EQ(load["suite"], "cache_resume");
  EXPECT_EQ(load["instance"], "cache_load_time/tokens:2000/manual_time");
  EXPECT_EQ(load["args"], (nlohmann::json{{"tokens", 2000}}));
  EXPECT_EQ(load["markers"], (nlohmann::json{"benchmark", "cache"}));
  EXPECT_EQ(load["status"], "ok");
  EXPECT_EQ(load["time_unit"], "ms");
  EXPECT_EQ(load["iterations"], 5);
  ASSERT_EQ(load["repetitions"].size(), 3u);
  EXPECT_DOUBLE_EQ(load["repetitions"][1]["real_time"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(load["repetitions"][2]["counters"]["load_ms"].get<double>(), 30.0);
  for (const char* aggregate : {"mean", "median", "stddev", "cv"})
    EXPECT_TRUE(load["aggregates"].contains(aggregate)) << aggregate;
  EXPECT_DOUBLE_EQ(load["aggregates"]["cv"]["real_time"].get<double>(), 0.5);  // a ratio
  EXPECT_EQ(load["counters"], (nlohmann::json{{"load_ms", 20.0}}));            // the median
  EXPECT_EQ(load["warnings"],
            (nlohmann::json{"high CV 0.50 on load_ms", "high CV 0.50 on real_time"}));
}

TEST_F(PartDocumentTest, SkipsErrorsAndNonFiniteNumbers) {
  const testing::SampleOutcome sample(config_);
  const nlohmann::json document = part_document(sample.outcome, invocation_);
  const nlohmann::json& skipped = case_named(document, "memory_leak_check");
  EXPECT_EQ(skipped["status"], "skipped");
  EXPECT_EQ(skipped["message"], "backend has no stats");
  EXPECT_TRUE(skipped["repetitions"].empty());
  EXPECT_TRUE(skipped["counters"].empty());
  const nlohmann::json& broken = case_named(document, "broken_case");
  EXPECT_EQ(broken["status"], "error");
  EXPECT_EQ(broken["message"], "server died");
  const nlohmann::json& nan = case_named(document, "nan_case");
  EXPECT_TRUE(nan["counters"]["ratio"].is_null());
  EXPECT_TRUE(nan["aggregates"].empty());
  ASSERT_EQ(nan["warnings"].size(), 1u);
  EXPECT_NE(nan["warnings"][0].get<std::string>().find("non-finite ratio"), std::string::npos);
  // Strict JSON: the document survives a round trip through the text.
  EXPECT_EQ(nlohmann::json::parse(document.dump()), document);
}

TEST_F(PartDocumentTest, SuiteSummaryAndContext) {
  const testing::SampleOutcome sample(config_);
  const nlohmann::json document = part_document(sample.outcome, invocation_);
  EXPECT_EQ(document["schema_version"], results_schema_version);
  EXPECT_TRUE(document["targets"].is_null());
  ASSERT_EQ(document["suites"].size(), 1u);
  const nlohmann::json& suite = document["suites"][0];
  EXPECT_EQ(suite["name"], "cache_resume");
  EXPECT_EQ(suite["executable"], "/bin/cache_resume");
  EXPECT_EQ(suite["started"], "1970-01-01T00:16:40.000Z");
  EXPECT_EQ(suite["exit_code"], 1);
  EXPECT_EQ(suite["measured"], 2);  // case instances: load and nan
  EXPECT_EQ(suite["skipped"], 1);
  EXPECT_EQ(suite["errored"], 1);
  const nlohmann::json& context = document["context"];
  EXPECT_EQ(context["model"], "tiny");
  EXPECT_EQ(context["backend"], "reference");
  EXPECT_EQ(context["quick"], false);
  EXPECT_TRUE(context["server_url"].is_null());
  EXPECT_EQ(context["server_command"][0], "sbench-server");
  EXPECT_GT(context["cores"].get<int>(), 0);
  EXPECT_EQ(context["config"]["server"]["model"], "tiny");
  EXPECT_EQ(context["config"]["run"]["output"], "benchmark_results.json");
}

TEST_F(PartDocumentTest, CrossChecksReachTheCaseAndTheRunSummary) {
  testing::SampleOutcome sample(config_);
  MeasurementChecks checks;
  checks.generations = 5;
  checks.streams = 5;
  checks.estimated_streams = 2;
  checks.usage_mismatches = 1;
  checks.warnings = {"usage disagrees with the stream: 3 tokens streamed, usage says 6 (1 of 5)"};
  sample.outcome.checks["cache_load_time/tokens:2000/manual_time"] = checks;
  const nlohmann::json document = part_document(sample.outcome, invocation_);
  const nlohmann::json& load = case_named(document, "cache_load_time");
  EXPECT_EQ(load["checks"]["token_count_source"], "chunks (estimated)");
  EXPECT_EQ(load["checks"]["usage_mismatches"], 1);
  EXPECT_EQ(load["checks"]["streams"], 5);
  bool warned = false;
  for (const auto& warning : load["warnings"])
    warned = warned || warning.get<std::string>().starts_with("usage disagrees with the stream");
  EXPECT_TRUE(warned) << load["warnings"].dump();
  EXPECT_TRUE(case_named(document, "broken_case")["checks"]["token_count_source"].is_null());
  EXPECT_EQ(document["checks"]["usage_mismatches"], 1);
  EXPECT_EQ(document["checks"]["failed_cases"],
            nlohmann::json::array({"cache_load_time/tokens:2000/manual_time"}));
}

TEST(PartPaths, PartsLiveNextToTheOutput) {
  EXPECT_EQ(parts_directory("/r/benchmark_results.json"), "/r/benchmark_results.parts");
  const SuiteInvocation invocation{
      .suite = "memory",
      .executable = {},
      .started = {},
      .finished = std::chrono::system_clock::time_point(std::chrono::milliseconds(1234)),
      .exit_code = 0};
  const std::string name = part_file_path("/p", invocation).filename().string();
  EXPECT_TRUE(name.starts_with("memory.")) << name;
  EXPECT_TRUE(name.ends_with(".1234.json")) << name;
}

}  // namespace
}  // namespace sbench::reporters
