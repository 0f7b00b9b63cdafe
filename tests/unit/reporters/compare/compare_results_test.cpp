#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sbench/reporters/compare.hpp"
#include "support/sample_results.hpp"

namespace sbench::reporters {
namespace {

using testing::sample_results;

const CounterChange& counter_of(const Comparison& comparison, const std::string& instance,
                                const std::string& counter) {
  for (const CaseChange& change : comparison.cases) {
    if (change.instance != instance)
      continue;
    for (const CounterChange& candidate : change.counters) {
      if (candidate.counter == counter)
        return candidate;
    }
  }
  throw std::out_of_range(instance + " " + counter + " not compared");
}

class CompareSampleRuns : public ::testing::Test {
 protected:
  const Comparison comparison =
      compare_results(sample_results("full_run.json"), sample_results("regressed.json"));
};

TEST_F(CompareSampleRuns, ComparesEveryCounterAndRealTimeOfCommonCases) {
  const CounterChange& load =
      counter_of(comparison, "cache_load_time/tokens:2000/manual_time", "load_ms");
  EXPECT_EQ(load.base.size(), 3u);
  EXPECT_DOUBLE_EQ(load.base[0], 15.2);
  EXPECT_NEAR(*load.change_percent(Statistic::mean), 10, 0.01);
  EXPECT_NEAR(*load.worsening_percent(Statistic::mean), 10, 0.01);
  const CounterChange& tokens =
      counter_of(comparison, "sequential_1_agent_per_model/real_time", "tokens_per_s");
  EXPECT_NEAR(*tokens.change_percent(Statistic::median), -10, 0.01);
  EXPECT_NEAR(*tokens.worsening_percent(Statistic::median), 10, 0.01);  // fewer tokens/s is worse
  EXPECT_NO_THROW(counter_of(comparison, "sequential_1_agent_per_model/real_time", "real_time"));
  const CounterChange& unchanged =
      counter_of(comparison, "memory_per_agent/agents:5/real_time", "kv_allocated_mb");
  EXPECT_DOUBLE_EQ(*unchanged.change_percent(Statistic::max), 0);
}

TEST_F(CompareSampleRuns, SignificanceNeedsThreeRepetitionsASide) {
  EXPECT_TRUE(counter_of(comparison, "sequential_1_agent_per_model/real_time", "tokens_per_s")
                  .significant());
  EXPECT_FALSE(counter_of(comparison, "throughput_comparison/real_time", "tokens_per_s_1").p_value);
  // The same three values on both sides: nothing changed.
  const CounterChange& itl =
      counter_of(comparison, "sequential_1_agent_per_model/real_time", "itl_ms");
  ASSERT_TRUE(itl.p_value);
  EXPECT_FALSE(itl.significant());
}

TEST_F(CompareSampleRuns, ListsAddedAndRemovedCases) {
  EXPECT_EQ(comparison.added,
            std::vector<std::string>{"block_padding_overhead/tokens:64/real_time"});
  EXPECT_EQ(comparison.removed, std::vector<std::string>{"memory_leak_check/real_time"});
}

TEST_F(CompareSampleRuns, CasesThatDidNotMeasureAreListedWithoutCounters) {
  const auto errored = std::find_if(
      comparison.cases.begin(), comparison.cases.end(),
      [](const CaseChange& c) { return c.instance == "memory_per_agent/agents:20/real_time"; });
  ASSERT_NE(errored, comparison.cases.end());
  EXPECT_EQ(errored->base_status, "error");
  EXPECT_TRUE(errored->counters.empty());
}

TEST_F(CompareSampleRuns, FailRulesCatchTheTenPercentRegressions) {
  const std::vector<Regression> strict = find_regressions(comparison, {parse_fail_rule("mean:5%")});
  EXPECT_FALSE(strict.empty());
  const auto has = [&strict](const std::string& instance, const std::string& counter) {
    return std::any_of(strict.begin(), strict.end(), [&](const Regression& r) {
      return r.instance == instance && r.counter == counter;
    });
  };
  EXPECT_TRUE(has("cache_load_time/tokens:8000/manual_time", "load_ms"));
  EXPECT_TRUE(has("batched_5_agents_per_model/real_time", "tokens_per_s"));
  EXPECT_TRUE(has("memory_per_agent/agents:10/real_time", "server_rss_mb"));
  EXPECT_FALSE(has("memory_per_agent/agents:10/real_time", "kv_allocated_mb"));
  EXPECT_TRUE(find_regressions(comparison, {parse_fail_rule("mean:20%")}).empty());
  EXPECT_TRUE(find_regressions(comparison, {}).empty());
}

TEST(CompareResults, ImprovementsAndUnknownDirectionsNeverFail) {
  nlohmann::json base = {{"schema_version", 1}, {"cases", nlohmann::json::array()}};
  base["cases"].push_back(
      {{"suite", "s"},
       {"instance", "c"},
       {"status", "ok"},
       {"time_unit", "ms"},
       {"repetitions",
        {{{"real_time", 10.0},
          {"counters", {{"load_ms", 10.0}, {"tokens_per_s", 100.0}, {"total_tokens", 500.0}}}}}}});
  nlohmann::json next = base;
  next["cases"][0]["repetitions"][0] = {
      {"real_time", 5.0},
      {"counters", {{"load_ms", 5.0}, {"tokens_per_s", 200.0}, {"total_tokens", 50.0}}}};
  const Comparison comparison = compare_results(base, next);
  EXPECT_TRUE(find_regressions(comparison, {parse_fail_rule("max:0%")}).empty());
  EXPECT_FALSE(counter_of(comparison, "c", "total_tokens").worsening_percent(Statistic::mean));
  EXPECT_NEAR(*counter_of(comparison, "c", "total_tokens").change_percent(Statistic::mean), -90,
              1e-9);
  // The other way round, every counter with a direction regressed.
  EXPECT_EQ(find_regressions(compare_results(next, base), {parse_fail_rule("max:0%")}).size(), 3u);
}

TEST(CompareResults, RealTimeComparesAcrossTimeUnits) {
  nlohmann::json base = {{"schema_version", 1},
                         {"cases",
                          {{{"instance", "c"},
                            {"status", "ok"},
                            {"time_unit", "ms"},
                            {"repetitions", {{{"real_time", 2.0}}}}}}}};
  nlohmann::json next = base;
  next["cases"][0]["time_unit"] = "us";
  next["cases"][0]["repetitions"][0]["real_time"] = 2000.0;
  EXPECT_DOUBLE_EQ(
      *counter_of(compare_results(base, next), "c", "real_time").change_percent(Statistic::mean),
      0);
}

TEST(ComparisonOutput, TableAndJsonCarryTheVerdicts) {
  const Comparison comparison =
      compare_results(sample_results("full_run.json"), sample_results("regressed.json"));
  const std::vector<Regression> regressions =
      find_regressions(comparison, {parse_fail_rule("mean:5%")});
  const std::string table = comparison_table(comparison, regressions);
  EXPECT_NE(table.find("  load_ms"), std::string::npos);
  EXPECT_NE(table.find("+10.0%"), std::string::npos);
  EXPECT_NE(table.find("worse"), std::string::npos);
  EXPECT_NE(table.find("significant (p="), std::string::npos);
  EXPECT_NE(
      table.find("Added (only in the new run):\n  block_padding_overhead/tokens:64/real_time"),
      std::string::npos);
  EXPECT_NE(table.find("Removed (only in the base run):\n  memory_leak_check/real_time"),
            std::string::npos);
  EXPECT_NE(
      table.find("cache_load_time/tokens:2000/manual_time load_ms: mean 10.0% worse (limit 5%)"),
      std::string::npos);
  const nlohmann::json json = comparison_json(comparison, regressions);
  EXPECT_EQ(json["regressions"].size(), regressions.size());
  EXPECT_EQ(json["added"][0], "block_padding_overhead/tokens:64/real_time");
  EXPECT_TRUE(json["cases"][0]["counters"][0].contains("p_value"));
}

}  // namespace
}  // namespace sbench::reporters
