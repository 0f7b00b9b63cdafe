#include "sbench/reporters/results_finisher.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "sbench/exit_codes.hpp"
#include "sbench/reporters/part_document.hpp"
#include "support/sample_suite_outcome.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters {
namespace {

namespace fs = std::filesystem;

class ResultsFinisherTest : public ::testing::Test {
 protected:
  ResultsFinisherTest() { config_.run.output = dir_.path("out/results.json"); }

  void targets(const std::string& op, double threshold) {
    config_.run.targets = dir_.path("targets.toml");
    std::ofstream(config_.run.targets)
        << "name = \"t\"\n[[target]]\nid = \"load\"\ncase = \"cache_load_time\"\n"
           "counter = \"load_ms\"\nop = \""
        << op << "\"\nthreshold = " << threshold << "\n";
  }

  int finish() {
    const testing::SampleOutcome sample(config_);
    return results_finisher("cache_resume")(sample.outcome);
  }

  nlohmann::json output() const {
    std::ifstream in(config_.run.output);
    return nlohmann::json::parse(in);
  }

  sbench::testing::TempDir dir_;
  Config config_;
};

TEST_F(ResultsFinisherTest, WritesAPartAndTheMergedOutput) {
  EXPECT_EQ(finish(), exit_ok);
  EXPECT_EQ(finish(), exit_ok);  // a second invocation: a second part
  int parts = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_.path("out/results.parts")))
    parts += entry.path().extension() == ".json";
  EXPECT_EQ(parts, 2);
  const nlohmann::json merged = output();
  EXPECT_EQ(merged["suites"][0]["invocations"], 2);
  EXPECT_EQ(merged["cases"].size(), 4u);
  EXPECT_TRUE(merged["targets"].is_null());
}

TEST_F(ResultsFinisherTest, ImpossibleTargetFailsOnlyWhenAsked) {
  targets("<", 0.001);
  EXPECT_EQ(finish(), exit_ok);
  EXPECT_EQ(output()["targets"]["missed"], 1);
  config_.run.fail_on_target_miss = true;
  EXPECT_EQ(finish(), exit_target_missed);
}

TEST_F(ResultsFinisherTest, MetTargetsPass) {
  targets("<", 500);
  config_.run.fail_on_target_miss = true;
  EXPECT_EQ(finish(), exit_ok);
  EXPECT_EQ(output()["targets"]["passed"], 1);
  EXPECT_EQ(output()["targets"]["results"][0]["value"], 20.0);
}

TEST_F(ResultsFinisherTest, BadTargetsFileIsAUsageError) {
  targets("=<", 1);
  EXPECT_EQ(finish(), exit_usage);
}

TEST_F(ResultsFinisherTest, UnwritableOutputIsAnError) {
  std::ofstream(dir_.path("plain")) << "x";
  config_.run.output = dir_.path("plain/results.json");
  EXPECT_EQ(finish(), exit_error);
}

}  // namespace
}  // namespace sbench::reporters
