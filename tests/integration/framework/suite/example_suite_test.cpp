// Runs the built example suite the way users and CTest do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.hpp"

namespace {

using Outcome = sbench::testing::CommandResult;
using sbench::testing::run_command;

Outcome run_suite(const std::string& args) {
  return run_command(std::string("'") + SBENCH_EXAMPLE_SUITE + "' " + args);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    result.push_back(line);
  return result;
}

// Test names of the example suite that `ctest -N <selection>` lists.
std::vector<std::string> ctest_lists(const std::string& selection) {
  const Outcome listing =
      run_command("ctest --test-dir '" + std::string(SBENCH_BUILD_DIR) + "' -N " + selection);
  std::vector<std::string> names;
  for (const std::string& line : lines(listing.output)) {
    const auto start = line.find("example_suite.");
    if (start != std::string::npos)
      names.push_back(line.substr(start));
  }
  return names;
}

const std::string sort_small = "sort_throughput/elements:1024/real_time";
const std::string sort_big = "sort_throughput/elements:65536/real_time";
const std::string json_parse = "json_parse/real_time";
const std::string sort_large = "sort_large/elements:4194304/iterations:3/real_time";
const std::string round_trip = "document_round_trip/real_time";
const std::string needs_server = "needs_a_server/real_time";

TEST(ExampleSuite, ListsEveryInstanceWithItsMarkers) {
  const Outcome listing = run_suite("--list-cases");
  EXPECT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_EQ(lines(listing.output), (std::vector<std::string>{
                                       sort_small + "\tbenchmark,cpu",
                                       sort_big + "\tbenchmark,cpu",
                                       json_parse + "\tbenchmark,cpu",
                                       sort_large + "\tbenchmark,cpu,slow",
                                       round_trip + "\tcpu",
                                       needs_server + "\tbenchmark",
                                   }));
}

TEST(ExampleSuite, MarkerExpressionSelectsCases) {
  const Outcome listing = run_suite("--list-cases -m 'not slow and cpu'");
  EXPECT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_EQ(lines(listing.output), (std::vector<std::string>{
                                       sort_small + "\tbenchmark,cpu",
                                       sort_big + "\tbenchmark,cpu",
                                       json_parse + "\tbenchmark,cpu",
                                       round_trip + "\tcpu",
                                   }));
}

TEST(ExampleSuite, RunsSelectedCasesAndSkipsAreNotFailures) {
  const Outcome ran = run_suite("--benchmark_filter='^json_parse' --sbench-quick");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("bytes_per_s"), std::string::npos) << ran.output;

  const Outcome skipped = run_suite("--benchmark_filter='^needs_a_server'");
  EXPECT_EQ(skipped.exit_code, 77) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped: the example suite starts no server"), std::string::npos);

  const Outcome nothing = run_suite("--benchmark_filter=no_such_case");
  EXPECT_EQ(nothing.exit_code, 5) << nothing.output;
}

TEST(ExampleSuite, BadMarkerExpressionIsAClearError) {
  const Outcome bad = run_suite("-m 'benchmark and'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("marker expression \"benchmark and\": expected a marker name at end"),
            std::string::npos)
      << bad.output;
  const Outcome typo = run_suite("-m benchmrk");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("uses undeclared marker 'benchmrk'"), std::string::npos)
      << typo.output;
}

TEST(ExampleSuite, UndeclaredMarkerOfACaseIsAStartUpError) {
  // A config that does not declare `cpu`, which the example cases use.
  const auto config = std::filesystem::temp_directory_path() / "sbench-no-cpu-marker.toml";
  std::ofstream(config) << "[markers]\nbatching = \"x\"\n";
  const Outcome failed = run_suite("--list-cases --sbench-config=" + config.string());
  std::filesystem::remove(config);
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_NE(failed.output.find("case sort_throughput ("), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("uses undeclared marker 'cpu'"), std::string::npos) << failed.output;
}

TEST(ExampleSuite, UnknownFlagsAreErrors) {
  const Outcome theirs = run_suite("--benchmark_filterr=x");
  EXPECT_EQ(theirs.exit_code, 2);
  EXPECT_NE(theirs.output.find("unrecognized command-line flag: --benchmark_filterr=x"),
            std::string::npos)
      << theirs.output;
  const Outcome ours = run_suite("--sbench-modle=tiny");
  EXPECT_EQ(ours.exit_code, 2);
  EXPECT_NE(ours.output.find("unknown flag --sbench-modle"), std::string::npos) << ours.output;
}

TEST(ExampleSuite, BadSettingNamesItsSource) {
  const Outcome bad = run_command("SEMANTIC_BENCHMARK_SERVER_STARTUP_TIMEOUT_S=abc '" +
                                  std::string(SBENCH_EXAMPLE_SUITE) + "' --list-cases");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("environment variable SEMANTIC_BENCHMARK_SERVER_STARTUP_TIMEOUT_S: "
                            "server.startup_timeout_s: expected a positive number, got \"abc\""),
            std::string::npos)
      << bad.output;
}

std::vector<std::string> prefixed(const std::vector<std::string>& instances) {
  std::vector<std::string> names;
  for (const std::string& instance : instances)
    names.push_back("example_suite." + instance);
  return names;
}

// One CTest test per case (its instances run in one process).
TEST(ExampleSuiteInCTest, LabelsSelectExactlyTheMarkedCases) {
  EXPECT_EQ(ctest_lists("-L benchmark"),
            prefixed({"sort_throughput", "json_parse", "sort_large", "needs_a_server"}));
  EXPECT_EQ(ctest_lists("-L benchmark -LE slow"),
            prefixed({"sort_throughput", "json_parse", "needs_a_server"}));
  EXPECT_EQ(ctest_lists("-LE benchmark"), prefixed({"document_round_trip"}));
}

// Each counter of a case run by CTest is a CTest measurement (CDash), and a
// plain line keeps it in the JUnit report that CI test views read.
TEST(ExampleSuiteInCTest, CountersAreMeasurementsAndReachTheJUnitReport) {
  const auto junit = std::filesystem::temp_directory_path() / "sbench-example-junit.xml";
  std::filesystem::remove(junit);
  // -FA: without the results fixture, which would clear the project's results.
  const Outcome ran = run_command("ctest --test-dir '" + std::string(SBENCH_BUILD_DIR) +
                                  "' -R '^example_suite\\.sort_throughput$' -FA '.*' "
                                  "--output-junit '" +
                                  junit.string() + "'");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  std::filesystem::remove(junit);
  EXPECT_NE(xml.str().find("name=\"example_suite.sort_throughput\""), std::string::npos)
      << xml.str();
  for (const std::string& instance : {sort_small, sort_big}) {
    EXPECT_NE(xml.str().find("measurement: " + instance + ":elements_per_s = "), std::string::npos)
        << xml.str();
    EXPECT_NE(xml.str().find("measurement: " + instance + ":real_time_ns = "), std::string::npos)
        << xml.str();
  }
}

}  // namespace
