// The installed headers are the API users build on: they must not name
// Google Benchmark's internals (which moved in 1.8) nor any suite's sizes
// (sizes belong to the suites that declare them).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> public_headers() {
  std::vector<fs::path> headers;
  for (const char* root :
       {SBENCH_FRAMEWORK_INCLUDE, SBENCH_REPORTERS_INCLUDE, SBENCH_RUNNER_INCLUDE}) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".hpp")
        headers.push_back(entry.path());
    }
  }
  return headers;
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PublicHeaders, NameNeitherGoogleBenchmarkInternalsNorASuitesSizes) {
  const std::vector<fs::path> headers = public_headers();
  ASSERT_GT(headers.size(), 20u);  // the roots are right
  // The sizes of the four suites (benchmarks/suites/support/suite_support/suite_sizes.hpp).
  const std::vector<std::string> forbidden = {
      "benchmark::internal", "tokens_per_agent", "agent_counts",   "cache_token_counts",
      "memory_agent_counts", "leak_cycles",      "warmup_requests"};
  for (const fs::path& header : headers) {
    const std::string text = text_of(header);
    for (const std::string& word : forbidden)
      EXPECT_EQ(text.find(word), std::string::npos) << header << " names " << word;
  }
}

// The runner's dependencies (SQLite, OpenSSL, toml++, nlohmann/json, Boost)
// are private: a user linking sbench::runner needs none of their headers.
TEST(PublicHeaders, TheRunnersHeadersNameNoneOfItsDependencies) {
  std::size_t seen = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(SBENCH_RUNNER_INCLUDE) / "sbench/runner")) {
    const std::string header = text_of(entry.path());
    for (const char* dependency : {"sqlite", "openssl", "toml", "nlohmann", "boost"})
      EXPECT_EQ(header.find(dependency), std::string::npos) << entry.path() << ": " << dependency;
    ++seen;
  }
  EXPECT_GE(seen, 4u);  // runner, sweep, batch, target
}

TEST(PublicHeaders, TheUmbrellaIncludesEveryPublicFrameworkHeaderASuiteAuthorNeeds) {
  const std::string umbrella = text_of(fs::path(SBENCH_REPORTERS_INCLUDE) / "sbench/sbench.hpp");
  for (const char* header :
       {"sbench/case.hpp", "sbench/config.hpp", "sbench/sizes.hpp", "sbench/fixtures.hpp",
        "sbench/server_fixture.hpp", "sbench/backend.hpp", "sbench/exit_codes.hpp",
        "sbench/suite.hpp", "sbench/reporters/benchmark_suite_main.hpp"}) {
    EXPECT_NE(umbrella.find(std::string("#include \"") + header + "\""), std::string::npos)
        << header;
  }
}

}  // namespace
