#include "suite/command_line.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sbench::detail {
namespace {

SuiteCommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "suite");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

using Flags = std::vector<std::pair<std::string, std::string>>;

TEST(CommandLine, SplitsOurFlagsFromGoogleBenchmarks) {
  const SuiteCommandLine line =
      parse({"--benchmark_filter=x", "-m", "not slow", "--sbench-model", "tiny", "--sbench-quick",
             "--sbench-output=/tmp/r.json", "--benchmark_repetitions=3"});
  EXPECT_EQ(line.config_flags, (Flags{{"--sbench-markers", "not slow"},
                                      {"--sbench-model", "tiny"},
                                      {"--sbench-quick", "true"},
                                      {"--sbench-output", "/tmp/r.json"}}));
  EXPECT_EQ(line.benchmark_args, (std::vector<std::string>{"suite", "--benchmark_filter=x",
                                                           "--benchmark_repetitions=3"}));
  EXPECT_FALSE(line.list_cases);
}

TEST(CommandLine, ListCasesMarkersAliasAndConfigFile) {
  const SuiteCommandLine line =
      parse({"--list-cases", "--markers=benchmark", "--sbench-config", "/x/sbench.toml"});
  EXPECT_TRUE(line.list_cases);
  EXPECT_EQ(line.config_flags, (Flags{{"--sbench-markers", "benchmark"}}));
  EXPECT_EQ(line.config_file, "/x/sbench.toml");
}

TEST(CommandLine, BooleanFlagsTakeAnExplicitValueOnlyWithEquals) {
  const SuiteCommandLine line = parse({"--sbench-quick=false", "--sbench-quick", "positional"});
  EXPECT_EQ(line.config_flags, (Flags{{"--sbench-quick", "false"}, {"--sbench-quick", "true"}}));
  EXPECT_EQ(line.benchmark_args, (std::vector<std::string>{"suite", "positional"}));
}

TEST(CommandLine, RejectsUnknownFlagsOfOursAndMissingValues) {
  EXPECT_THROW(parse({"--sbench-modle=tiny"}), std::invalid_argument);
  EXPECT_THROW(parse({"-m"}), std::invalid_argument);
  EXPECT_THROW(parse({"--sbench-model"}), std::invalid_argument);
}

}  // namespace
}  // namespace sbench::detail
