// The README's ten-line benchmark, compiled from the README by
// benchmarks/readme_template, run as a user would run it.
#include <gtest/gtest.h>

#include <string>

#include "support/run_command.hpp"

namespace {

using sbench::testing::run_command;
using sbench::testing::shell_quote;

TEST(ReadmeTemplate, RunsAgainstTheReferenceServerAndReportsItsCounter) {
  const auto ran =
      run_command("SEMANTIC_BENCHMARK_MODEL=tiny " + shell_quote(SBENCH_README_TEMPLATE_SUITE) +
                  " --benchmark_min_time=0.01 --benchmark_filter=max_tokens:64");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  // A positive token rate: the case really generated through the fixture's server.
  const auto row = ran.output.find("decode_tokens_per_second/max_tokens:64/real_time");
  ASSERT_NE(row, std::string::npos) << ran.output;
  const auto counter = ran.output.find("tokens_per_s=", row);
  ASSERT_NE(counter, std::string::npos) << ran.output;
  EXPECT_GT(std::stod(ran.output.substr(counter + std::string("tokens_per_s=").size())), 0.0);
}

}  // namespace
