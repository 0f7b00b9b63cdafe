// `sbench report` as a user runs it: the real executable on the sample run.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/run_command.hpp"
#include "support/sample_results.hpp"
#include "support/temp_dir.hpp"

namespace sbench {
namespace {

using testing::run_command;
using testing::sample_results_file;
using testing::shell_quote;

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ReportCommand : public ::testing::Test {
 protected:
  ReportCommand() { std::filesystem::copy_file(sample_results_file("full_run.json"), results); }
  testing::CommandResult sbench_report(const std::string& arguments) const {
    return run_command("cd " + shell_quote(dir.path().string()) + " && " + shell_quote(SBENCH_CLI) +
                       " report " + arguments);
  }

  testing::TempDir dir;
  std::filesystem::path results = dir.path("run.json");
};

TEST_F(ReportCommand, WritesBothReportsNextToTheResults) {
  const auto result = sbench_report(shell_quote(results.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string markdown = read(dir.path("run_report.md"));
  const std::string html = read(dir.path("run_report.html"));
  EXPECT_NE(markdown.find("| cache_load_time_ms | 61.3 | ms |"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">61.3</td>"), std::string::npos);
}

TEST_F(ReportCommand, OneFormatFlagWritesOnlyThatFormat) {
  const auto result = sbench_report("run.json --html=page.html");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path("page.html")));
  EXPECT_FALSE(std::filesystem::exists(dir.path("run_report.md")));

  const auto markdown = sbench_report("run.json --markdown");
  ASSERT_EQ(markdown.exit_code, 0) << markdown.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path("run_report.md")));
  EXPECT_FALSE(std::filesystem::exists(dir.path("run_report.html")));
}

TEST_F(ReportCommand, WritesToStandardOutputForADash) {
  const auto result = sbench_report("run.json --markdown -");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.rfind("# semantic-bench report", 0), 0u);
}

TEST_F(ReportCommand, ReadsTheConfiguredResultsFileByDefault) {
  std::ofstream(dir.path("sbench.toml")) << "[run]\noutput = \"run.json\"\n";
  const auto result = sbench_report("");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path("run_report.md")));
  EXPECT_TRUE(std::filesystem::exists(dir.path("run_report.html")));
}

TEST_F(ReportCommand, BadInputIsAClearErrorWithExitCode2) {
  std::ofstream(dir.path("broken.json")) << "{\"schema_version\": 1,";
  std::ofstream(dir.path("future.json")) << R"({"schema_version": 9, "cases": []})";
  for (const auto& [file, message] :
       {std::pair{"missing.json", "missing.json does not exist"},
        std::pair{"broken.json", "broken.json is not valid JSON"},
        std::pair{"future.json", "schema_version is 9, expected 2"}}) {
    const auto result = sbench_report(file);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(message), std::string::npos) << result.output;
  }
}

TEST_F(ReportCommand, NeverOverwritesTheResultsWithAReport) {
  const auto result = sbench_report("run.json --html run.json");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(read(results), read(sample_results_file("full_run.json")));
}

}  // namespace
}  // namespace sbench
