// `sbench run` against three real sbench-server processes: three models.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "integration/runner/runner_test_support.hpp"

namespace sbench::testing {
namespace {

using ::testing::HasSubstr;

class ThreeReferenceServers : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int seed : {1, 2, 3}) {
      servers_.push_back(std::make_unique<SpawnedServer>(
          std::vector<std::string>{SBENCH_SERVER_BINARY, "--port", "0", "--model", "tiny", "--seed",
                                   std::to_string(seed), "--threads", "1"}));
    }
    project_.template_file("ask.txt", "Question about {{topic}}:");
    project_.template_file("other.txt", "Something else on {{topic}}.");
    for (const char* topic : {"caches", "queues"})
      project_.scenario(topic, std::string("template = \"templates/ask.txt\"\nmax_tokens = 4\n"
                                           "[vars]\ntopic = \"") +
                                   topic +
                                   "\"\n[parameters]\n"
                                   "temperature = 0.0\n");
    project_.scenario("chat",
                      "max_tokens = 4\n[[messages]]\nrole = \"system\"\n"
                      "content = \"Be brief.\"\n[[messages]]\nrole = \"user\"\n"
                      "content = \"Hello\"\n");
    project_.scenario("third",
                      "template = \"templates/other.txt\"\nmax_tokens = 4\n"
                      "[vars]\ntopic = \"x\"\n");
    // The three dialects that reach a reference server: its own kind, the
    // OpenAI chat API and the OpenAI completions API.
    project_.runner("[providers.one]\nkind = \"reference\"\nbase_url = \"" + url(0) +
                    "\"\nmax_concurrency = 2\n"
                    "[providers.two]\nkind = \"openai\"\nbase_url = \"" +
                    url(1) +
                    "\"\nmax_concurrency = 2\n"
                    "[providers.three]\nkind = \"openai\"\napi = \"completions\"\nbase_url = \"" +
                    url(2) +
                    "\"\nmax_concurrency = 2\n"
                    "[[models]]\nname = \"seed-1\"\nprovider = \"one\"\nmodel = \"tiny\"\n"
                    "[[models]]\nname = \"seed-2\"\nprovider = \"two\"\nmodel = \"tiny\"\n"
                    "[[models]]\nname = \"seed-3\"\nprovider = \"three\"\nmodel = \"tiny\"\n");
  }

  std::string url(std::size_t i) const {
    return "http://127.0.0.1:" + std::to_string(servers_[i]->port());
  }

  std::vector<std::unique_ptr<SpawnedServer>> servers_;
  RunnerProject project_;
};

TEST_F(ThreeReferenceServers, RunsTheMatrixThenServesItFromTheStoreAndRerunsOnlyWhatChanged) {
  const CommandResult first = project_.run();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  nlohmann::json results = project_.results();
  EXPECT_EQ(results["totals"]["runs"], 12);
  EXPECT_EQ(results["totals"]["ran"], 12);
  EXPECT_EQ(results["totals"]["failed"], 0);
  for (const char* name : {"seed-1", "seed-2", "seed-3"}) {
    const nlohmann::json& model = model_row(results, name);
    EXPECT_EQ(model["ran"], 4) << name;
    EXPECT_GT(model["tokens_in"].get<int>(), 0) << name;
    EXPECT_GT(model["tokens_out"].get<int>(), 0) << name;
    EXPECT_GT(model["latency_ms"]["p50"].get<double>(), 0) << name;
    EXPECT_GE(model["latency_ms"]["p99"].get<double>(), model["latency_ms"]["p50"].get<double>());
  }
  EXPECT_TRUE(std::filesystem::exists(project_.root() / "run_results.md"));
  EXPECT_TRUE(std::filesystem::exists(project_.root() / "run_results.html"));

  const CommandResult cached = project_.run("--use-cache");
  ASSERT_EQ(cached.exit_code, 0) << cached.output;
  results = project_.results();
  EXPECT_EQ(results["totals"]["from_cache"], 12);
  EXPECT_EQ(results["totals"]["ran"], 0);
  EXPECT_DOUBLE_EQ(results["totals"]["cache_hit_rate"].get<double>(), 1.0);

  // One template edited: exactly the scenarios that use it run again.
  project_.template_file("ask.txt", "A question about {{topic}}:");
  const CommandResult edited = project_.run("--use-cache");
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  results = project_.results();
  EXPECT_EQ(results["totals"]["ran"], 6);
  EXPECT_EQ(results["totals"]["from_cache"], 6);

  // A model's identity changes (another seed behind the same URL): --use-cache
  // misses for it, --incremental carries its unchanged scenarios forward.
  servers_[0] = std::make_unique<SpawnedServer>(std::vector<std::string>{
      SBENCH_SERVER_BINARY, "--port", "0", "--model", "tiny", "--seed", "9", "--threads", "1"});
  const std::string moved = url(0);
  project_.runner("[providers.one]\nkind = \"reference\"\nbase_url = \"" + moved +
                  "\"\n"
                  "[[models]]\nname = \"seed-1\"\nprovider = \"one\"\nmodel = \"tiny\"\n");
  const CommandResult explained = run_command(std::string(SBENCH_CLI) + " run -c " +
                                              shell_quote(project_.runner_file().string()) +
                                              " --explain-cache --scenario chat");
  ASSERT_EQ(explained.exit_code, 0) << explained.output;
  EXPECT_THAT(explained.output, HasSubstr("MISS"));
  EXPECT_THAT(explained.output, HasSubstr("model.identity.fingerprint:"));
  EXPECT_THAT(explained.output, HasSubstr("model.base_url:"));
  EXPECT_THAT(explained.output, HasSubstr("\"key_schema\": 1"));  // one run: the whole manifest

  const CommandResult incremental = project_.run("--incremental");
  ASSERT_EQ(incremental.exit_code, 0) << incremental.output;
  results = project_.results();
  EXPECT_EQ(results["totals"]["carried"], 4);
  EXPECT_EQ(results["totals"]["ran"], 0);
}

TEST_F(ThreeReferenceServers, DryRunPredictsHitsAndSendsNothing) {
  ASSERT_EQ(project_.run().exit_code, 0);
  const CommandResult dry = project_.run("--dry-run --use-cache");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_THAT(dry.output, HasSubstr("4 scenarios x 3 models = 12 runs"));
  EXPECT_THAT(dry.output, HasSubstr("predicted store hits: 12 of 12"));
  EXPECT_THAT(dry.output, HasSubstr("ETA:"));
}

}  // namespace
}  // namespace sbench::testing
