#include <gtest/gtest.h>

#include <sstream>

#include "sbench/exit_codes.hpp"
#include "sbench/reporters/target_evaluation.hpp"
#include "sbench/reporters/target_table.hpp"

namespace sbench::reporters {
namespace {

nlohmann::json case_entry(const std::string& name, const std::string& instance, nlohmann::json args,
                          nlohmann::json counters, const std::string& status = "ok") {
  return {{"suite", "s"},         {"case", name},
          {"instance", instance}, {"args", std::move(args)},
          {"status", status},     {"counters", std::move(counters)}};
}

Target target(std::string id, std::string case_name, std::string counter,
              std::optional<Comparison> op, double threshold = 0, Bands bands = {}) {
  Target t;
  t.id = std::move(id);
  t.case_name = std::move(case_name);
  t.counter = std::move(counter);
  t.op = op;
  t.threshold = threshold;
  t.bands = bands;
  return t;
}

const nlohmann::json results = {
    {"cases",
     {case_entry("cache_load_time", "cache_load_time/tokens:2000/manual_time", {{"tokens", 2000}},
                 {{"load_ms", 150.0}}),
      case_entry("cache_load_time", "cache_load_time/tokens:8000/manual_time", {{"tokens", 8000}},
                 {{"load_ms", 700.0}}),
      case_entry("throughput_comparison", "throughput_comparison/real_time", {},
                 {{"speedup_3", 1.8}, {"speedup_5", nullptr}}),
      case_entry("memory_per_agent", "memory_per_agent/agents:1/real_time", {{"agents", 1}}, {},
                 "skipped")}}};

TEST(EvaluateTargets, PassMissAndNotMeasured) {
  TargetSet set;
  set.targets.push_back(target("fast_2k", "cache_load_time", "load_ms", Comparison::less, 200));
  set.targets.back().args = {{"tokens", 2000}};
  set.targets.push_back(target("fast_8k", "cache_load_time", "load_ms", Comparison::less, 500));
  set.targets.back().args = {{"tokens", 8000}};
  set.targets.push_back(
      target("speedup_5", "throughput_comparison", "speedup_5", Comparison::greater, 2.5));
  set.targets.push_back(
      target("skipped", "memory_per_agent", "per_agent_mb", Comparison::less, 100));
  set.targets.push_back(target("absent", "no_such_case", "x", Comparison::less, 1));
  set.targets.push_back(target("wrong_counter", "cache_load_time", "save_ms", Comparison::less, 1));
  set.targets.back().args = {{"tokens", 2000}};

  const TargetReport report = evaluate_targets(set, results);
  ASSERT_EQ(report.results.size(), 6u);
  EXPECT_EQ(report.results[0].verdict, Verdict::pass);
  EXPECT_EQ(report.results[0].value, 150.0);
  EXPECT_EQ(report.results[0].instance, "cache_load_time/tokens:2000/manual_time");
  EXPECT_EQ(report.results[1].verdict, Verdict::miss);
  EXPECT_EQ(report.results[2].verdict, Verdict::not_measured);  // null counter
  EXPECT_EQ(report.results[3].verdict, Verdict::not_measured);  // skipped case
  EXPECT_EQ(report.results[4].verdict, Verdict::not_measured);  // case never ran
  EXPECT_FALSE(report.results[4].instance);
  EXPECT_EQ(report.results[5].verdict, Verdict::not_measured);  // counter absent
  EXPECT_EQ(report.count(Verdict::pass), 1);
  EXPECT_EQ(report.count(Verdict::miss), 1);
  EXPECT_EQ(report.count(Verdict::not_measured), 4);
  EXPECT_EQ(target_exit_code(report, true), exit_target_missed);
  EXPECT_EQ(target_exit_code(report, false), exit_ok);
}

TEST(EvaluateTargets, TargetWithoutArgsJudgesEveryInstance) {
  TargetSet set;
  set.targets.push_back(target("all", "cache_load_time", "load_ms", Comparison::less, 500));
  const TargetReport report = evaluate_targets(set, results);
  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[0].verdict, Verdict::pass);
  EXPECT_EQ(report.results[1].verdict, Verdict::miss);
  EXPECT_EQ(report.results[1].instance, "cache_load_time/tokens:8000/manual_time");
}

TEST(EvaluateTargets, BandsGradeValuesAndBandOnlyEntriesMissOnlyWhenPoor) {
  TargetSet set;
  const Bands speedup{.good_min = 1.7, .good_max = 2.3, .poor_below = 1.2, .poor_above = {}};
  set.targets.push_back(
      target("good", "throughput_comparison", "speedup_3", Comparison::greater, 1.5, speedup));
  set.targets.push_back(
      target("fair", "cache_load_time", "load_ms", std::nullopt, 0,
             {.good_min = {}, .good_max = 500, .poor_below = {}, .poor_above = 1000}));
  set.targets.push_back(
      target("poor", "cache_load_time", "load_ms", std::nullopt, 0,
             {.good_min = {}, .good_max = {}, .poor_below = {}, .poor_above = 100}));
  set.targets[1].args = {{"tokens", 8000}};
  set.targets[2].args = {{"tokens", 2000}};

  const TargetReport report = evaluate_targets(set, results);
  ASSERT_EQ(report.results.size(), 3u);
  EXPECT_EQ(report.results[0].band, Band::good);
  EXPECT_EQ(report.results[0].verdict, Verdict::pass);
  EXPECT_EQ(report.results[1].band, Band::fair);  // 700: neither < 500 nor > 1000
  EXPECT_EQ(report.results[1].verdict, Verdict::pass);
  EXPECT_EQ(report.results[2].band, Band::poor);  // 150 > 100
  EXPECT_EQ(report.results[2].verdict, Verdict::miss);
}

TEST(EvaluateTargets, JsonAndTableSayTheSame) {
  TargetSet set;
  set.file = "targets.toml";
  set.name = "Sprint";
  set.targets.push_back(
      target("fast_8k", "cache_load_time", "load_ms", Comparison::less, 500,
             {.good_min = {}, .good_max = 500, .poor_below = {}, .poor_above = 1000}));
  set.targets.back().args = {{"tokens", 8000}};
  set.targets.push_back(target("absent", "no_such_case", "x", Comparison::less, 1));
  const TargetReport report = evaluate_targets(set, results);

  const nlohmann::json json = to_json(report);
  EXPECT_EQ(json["file"], "targets.toml");
  EXPECT_EQ(json["name"], "Sprint");
  EXPECT_EQ(json["passed"], 0);
  EXPECT_EQ(json["missed"], 1);
  EXPECT_EQ(json["not_measured"], 1);
  EXPECT_EQ(json["results"][0],
            (nlohmann::json{{"id", "fast_8k"},
                            {"description", ""},
                            {"case", "cache_load_time"},
                            {"args", {{"tokens", 8000}}},
                            {"instance", "cache_load_time/tokens:8000/manual_time"},
                            {"counter", "load_ms"},
                            {"op", "<"},
                            {"threshold", 500.0},
                            {"value", 700.0},
                            {"verdict", "miss"},
                            {"band", "fair"}}));
  EXPECT_TRUE(json["results"][1]["instance"].is_null());
  EXPECT_TRUE(json["results"][1]["value"].is_null());

  std::ostringstream table;
  print_target_table(table, report);
  EXPECT_NE(table.str().find("Targets: Sprint (targets.toml)"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("fast_8k  cache_load_time[tokens=8000]  load_ms  < 500   700    MISS"),
            std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("0 passed, 1 missed, 1 not measured"), std::string::npos);

  const TargetReport only_cache = restricted_to_cases(report, {"cache_load_time"});
  ASSERT_EQ(only_cache.results.size(), 1u);
  EXPECT_EQ(only_cache.results[0].target->id, "fast_8k");
}

}  // namespace
}  // namespace sbench::reporters
