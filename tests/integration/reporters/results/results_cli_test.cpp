// A results file as a suite writes it, validated against the schema, and the
// `sbench` commands run on it as a user would.
#include <gtest/gtest.h>

#include <fstream>

#include "sbench/reporters/results_finisher.hpp"
#include "support/run_command.hpp"
#include "support/sample_suite_outcome.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters {
namespace {

namespace fs = std::filesystem;

using Outcome = sbench::testing::CommandResult;
const auto run = sbench::testing::run_command;

bool have_jsonschema() {
  return run("python3 -c 'import jsonschema'").exit_code == 0;
}

class ResultsCliTest : public ::testing::Test {
 protected:
  ResultsCliTest() {
    config_.run.output = dir_.path("results.json");
    std::ofstream(dir_.path("impossible.toml"))
        << "[[target]]\nid = \"load\"\ncase = \"cache_load_time\"\ncounter = \"load_ms\"\n"
           "op = \"<\"\nthreshold = 0.001\n";
    std::ofstream(dir_.path("sbench.toml")) << "[run]\noutput = \"results.json\"\n";
  }

  void run_suite_finisher() {
    const testing::SampleOutcome sample(config_);
    ASSERT_EQ(results_hooks("cache_resume").finishers.front()(sample.outcome), 0);
  }

  // `sbench ARGS` in the temp dir, so its sbench.toml is the one found.
  Outcome sbench(const std::string& args) {
    return run("cd '" + dir_.path().string() + "' && env -u CI '" + SBENCH_CLI + "' " + args);
  }

  sbench::testing::TempDir dir_;
  Config config_;
};

TEST_F(ResultsCliTest, WrittenDocumentsMatchTheSchema) {
  if (!have_jsonschema())
    GTEST_SKIP() << "python3 jsonschema is not installed";
  run_suite_finisher();
  const std::string validate = std::string(SBENCH_SOURCE_DIR) + "/scripts/validate-results";
  const Outcome merged = run("'" + validate + "' '" + config_.run.output.string() + "'");
  EXPECT_EQ(merged.exit_code, 0) << merged.output;

  const Outcome checked = sbench("targets results.json --targets impossible.toml");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  ASSERT_EQ(sbench("merge --targets impossible.toml").exit_code, 0);
  const Outcome with_targets = run("'" + validate + "' '" + config_.run.output.string() + "'");
  EXPECT_EQ(with_targets.exit_code, 0) << with_targets.output;

  std::ofstream(dir_.path("broken.json")) << R"({"schema_version": 1})";
  const Outcome broken = run("'" + validate + "' '" + dir_.path("broken.json").string() + "'");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.output.find("'generator' is a required property"), std::string::npos)
      << broken.output;
}

TEST_F(ResultsCliTest, MergeExitsFiveWithoutParts) {
  const Outcome merged = sbench("merge");
  EXPECT_EQ(merged.exit_code, 5) << merged.output;
  EXPECT_NE(merged.output.find("results.parts"), std::string::npos) << merged.output;
}

TEST_F(ResultsCliTest, MergeAndTargetsFailOnAMissOnlyWhenAsked) {
  run_suite_finisher();
  const Outcome merged = sbench("merge --targets impossible.toml");
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_NE(merged.output.find("MISS"), std::string::npos) << merged.output;
  EXPECT_EQ(sbench("merge --targets impossible.toml --fail-on-target-miss").exit_code, 3);
  EXPECT_EQ(
      sbench("targets results.json --targets impossible.toml --fail-on-target-miss").exit_code, 3);
  const Outcome bad = sbench("targets results.json --targets absent.toml");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("absent.toml"), std::string::npos) << bad.output;
}

TEST_F(ResultsCliTest, CleanRemovesOutputAndParts) {
  run_suite_finisher();
  ASSERT_TRUE(fs::exists(dir_.path("results.parts")));
  const Outcome cleaned = sbench("clean");
  EXPECT_EQ(cleaned.exit_code, 0) << cleaned.output;
  EXPECT_FALSE(fs::exists(dir_.path("results.parts")));
  EXPECT_FALSE(fs::exists(dir_.path("results.json")));
}

}  // namespace
}  // namespace sbench::reporters
