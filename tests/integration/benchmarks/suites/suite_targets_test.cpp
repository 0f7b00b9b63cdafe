// A real suite (benchmark_suite, tiny model, quick sizes) run as a user runs
// it: its results are written and merged, and a missed target fails the run
// only when asked, while a met one passes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace {

using sbench::testing::run_command;
using sbench::testing::shell_quote;

class SuiteTargets : public ::testing::Test {
 protected:
  // One cheap case, its load time checked against `threshold` ms; the server
  // keeps its files in this test's own directory, not the repository's
  // shared one, so every run starts from no saved context.
  sbench::testing::CommandResult run_with_target(double threshold, const std::string& extra) {
    std::ofstream(dir_.path("targets.toml"))
        << "[[target]]\nid = \"load\"\ncase = \"cache_load_time_ms\"\n"
           "counter = \"cache_load_time_ms\"\nop = \"<\"\nthreshold = "
        << threshold << "\n";
    return run_command("env -u CI " + shell_quote(SBENCH_BENCHMARK_SUITE) +
                       " --benchmark_filter=cache_load_time_ms --sbench-model=tiny --sbench-quick"
                       " --sbench-server-cache-dir=" +
                       shell_quote(dir_.path("cache").string()) +
                       " --sbench-output=" + shell_quote(results().string()) +
                       " --sbench-targets=" + shell_quote(dir_.path("targets.toml").string()) +
                       " " + extra);
  }

  std::filesystem::path results() const { return dir_.path("results.json"); }

  nlohmann::json merged() const { return nlohmann::json::parse(std::ifstream(results())); }

  sbench::testing::TempDir dir_;
};

TEST_F(SuiteTargets, AnImpossibleTargetFailsTheRunWithFailOnTargetMiss) {
  const auto ran = run_with_target(0.000001, "--fail-on-target-miss");
  EXPECT_EQ(ran.exit_code, 3) << ran.output;
  EXPECT_NE(ran.output.find("miss"), std::string::npos) << ran.output;
  // The results are kept all the same, with the verdict in them.
  const nlohmann::json document = merged();
  ASSERT_EQ(document["targets"]["results"].size(), 1u);
  EXPECT_EQ(document["targets"]["results"][0]["verdict"], "miss");
  EXPECT_GT(document["targets"]["results"][0]["value"].get<double>(), 0.0);
}

TEST_F(SuiteTargets, AMissIsReportedButPassesWithoutFailOnTargetMiss) {
  const auto ran = run_with_target(0.000001, "--fail-on-target-miss=false");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(merged()["targets"]["missed"], 1);
}

TEST_F(SuiteTargets, AMetTargetPasses) {
  const auto ran = run_with_target(1e9, "--fail-on-target-miss");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(merged()["targets"]["passed"], 1);
}

}  // namespace
