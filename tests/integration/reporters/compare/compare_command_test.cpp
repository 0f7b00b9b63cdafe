// `sbench compare` as CI runs it: the real executable on the sample runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_command.hpp"
#include "support/sample_results.hpp"

namespace sbench {
namespace {

using testing::run_command;
using testing::sample_results_file;
using testing::shell_quote;

testing::CommandResult sbench_compare(const std::string& base, const std::string& next,
                                      const std::string& options) {
  return run_command(shell_quote(SBENCH_CLI) + " compare " +
                     shell_quote(sample_results_file(base).string()) + " " +
                     shell_quote(sample_results_file(next).string()) + " " + options);
}

TEST(CompareCommand, ATenPercentRegressionFailsAFivePercentLimitWithExitCode4) {
  const auto result = sbench_compare("full_run.json", "regressed.json", "--fail mean:5%");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find("Regressions beyond --fail limits:"), std::string::npos);
  EXPECT_NE(result.output.find("cache_load_time/tokens:8000/manual_time load_ms: mean 10.0% worse"),
            std::string::npos)
      << result.output;
}

TEST(CompareCommand, PassesATwentyPercentLimit) {
  const auto result =
      sbench_compare("full_run.json", "regressed.json", "--fail mean:20% --fail median:20%");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("No regression beyond the --fail limits."), std::string::npos);
}

TEST(CompareCommand, WithoutLimitsOnlyReports) {
  const auto result = sbench_compare("full_run.json", "regressed.json", "");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Added (only in the new run):"), std::string::npos);
  EXPECT_NE(result.output.find("Removed (only in the base run):"), std::string::npos);
}

TEST(CompareCommand, ARunComparedWithItselfNeverFails) {
  const auto result = sbench_compare("full_run.json", "full_run.json", "--fail max:0%");
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(CompareCommand, JsonOutputIsMachineReadable) {
  const auto result =
      sbench_compare("full_run.json", "regressed.json", "--format json --fail mean:5%");
  EXPECT_EQ(result.exit_code, 4);
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_FALSE(json["regressions"].empty());
  EXPECT_EQ(json["removed"][0], "memory_leak_check/real_time");
}

TEST(CompareCommand, BadLimitOrInputIsAClearErrorWithExitCode2) {
  const auto bad_rule = sbench_compare("full_run.json", "regressed.json", "--fail average:5%");
  EXPECT_EQ(bad_rule.exit_code, 2);
  EXPECT_NE(bad_rule.output.find("bad --fail \"average:5%\": unknown statistic"), std::string::npos)
      << bad_rule.output;
  const auto missing = sbench_compare("full_run.json", "nope.json", "");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("nope.json does not exist"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace sbench
