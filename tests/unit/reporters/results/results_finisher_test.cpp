#include "sbench/reporters/results_finisher.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

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
    return results_hooks("cache_resume").finishers.front()(sample.outcome);
  }

  std::vector<fs::path> parts() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir_.path("out/results.parts")))
      if (entry.path().extension() == ".json")
        found.push_back(entry.path());
    return found;
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
  EXPECT_EQ(parts().size(), 2u);
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

// What a suite killed after a case keeps: the refresh alone, no finisher.
TEST_F(ResultsFinisherTest, EachCaseRefreshesThePartAndTheOutputMarkedUnfinished) {
  targets("<", 500);
  const SuiteHooks hooks = results_hooks("cache_resume");
  const testing::SampleOutcome sample(config_);
  ASSERT_EQ(hooks.after_each_case.size(), 1u);
  hooks.after_each_case.front()(sample.outcome);
  ASSERT_EQ(parts().size(), 1u);
  nlohmann::json merged = output();
  EXPECT_EQ(merged["cases"].size(), 4u);
  EXPECT_TRUE(merged["suites"][0]["exit_code"].is_null()) << merged["suites"];
  EXPECT_EQ(merged["suites"][0]["measured"], 2);
  EXPECT_EQ(merged["targets"]["passed"], 1);

  // The next refresh and the finisher rewrite the same part, not a new one.
  hooks.after_each_case.front()(sample.outcome);
  EXPECT_EQ(hooks.finishers.front()(sample.outcome), exit_ok);
  ASSERT_EQ(parts().size(), 1u);
  merged = output();
  EXPECT_EQ(merged["suites"][0]["exit_code"], exit_error);  // the sample has a failed case
  EXPECT_EQ(merged["suites"][0]["invocations"], 1);
}

TEST_F(ResultsFinisherTest, AFailedRefreshWarnsOnceAndTheFinisherFails) {
  std::ofstream(dir_.path("plain")) << "x";
  config_.run.output = dir_.path("plain/results.json");
  const SuiteHooks hooks = results_hooks("cache_resume");
  const testing::SampleOutcome sample(config_);
  ::testing::internal::CaptureStderr();
  hooks.after_each_case.front()(sample.outcome);
  hooks.after_each_case.front()(sample.outcome);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  const std::string expected = "results not saved after this case: cannot create directory " +
                               dir_.path("plain/results.parts").string();
  EXPECT_NE(warnings.find(expected), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find(expected), warnings.rfind(expected)) << warnings;
  EXPECT_EQ(hooks.finishers.front()(sample.outcome), exit_error);
}

}  // namespace
}  // namespace sbench::reporters
