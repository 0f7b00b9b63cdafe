// `sbench run` against the rate-limited provider double: limits, 429s,
// quotas, faults, checks, resumption after SIGKILL, shards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "integration/runner/runner_test_support.hpp"

namespace sbench::testing {
namespace {

using ::testing::HasSubstr;

// `count` scenarios that ask for "topic-<i>"; the double echoes the prompt
// (within max_tokens), so `contains = "topic-"` passes.
void add_scenarios(RunnerProject& project, int count, const std::string& extra = "") {
  project.template_file("ask.txt", "Tell me about topic-{{i}}.");
  for (int i = 0; i < count; ++i) {
    project.scenario("s" + std::to_string(i),
                     "template = \"templates/ask.txt\"\nmax_tokens = 32\n" + extra +
                         "\n[vars]\ni = " + std::to_string(i) +
                         "\n[[checks]]\ncontains = \"topic-\"\n");
  }
}

std::string double_provider(const ProviderDouble& provider, const std::string& limits,
                            const std::vector<std::string>& models = {"double-model"}) {
  std::string text =
      "[providers.api]\nkind = \"openai\"\nbase_url = \"" + provider.url() + "\"\n" + limits + "\n";
  for (const std::string& model : models)
    text += "[[models]]\nname = \"" + model + "\"\nprovider = \"api\"\nmodel = \"" + model + "\"\n";
  return text;
}

TEST(RunnerAgainstDouble, StaysUnderTheConfiguredLimitsWithoutA429) {
  ProviderDouble provider({"--rpm", "600", "--max-concurrency", "4", "--latency-ms", "30"});
  RunnerProject project;
  add_scenarios(project, 20);
  // A tenth under the provider's rate, as a careful user configures it: the
  // buckets of both sides then never disagree about the next request.
  project.runner(double_provider(provider, "max_concurrency = 4\nrpm = 540"));
  const CommandResult result = project.run();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json stats = provider.stats();
  EXPECT_EQ(stats["completed"], 20);
  EXPECT_EQ(stats["rate_limited"], 0);
  EXPECT_LE(stats["max_in_flight"].get<int>(), 4);
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["ran"], 20);
  EXPECT_EQ(results["totals"]["throttled"], 0);
  EXPECT_EQ(model_row(results, "double-model")["checks"]["passed"], 20);
}

TEST(RunnerAgainstDouble, LearnsLimitsItWasNotToldAboutAndFinishesEverything) {
  // The runner file claims 16 at once and no rate; the provider takes 4 at
  // once and 5 requests a second, and says the rate in its headers.
  ProviderDouble provider({"--rpm", "300", "--max-concurrency", "4", "--latency-ms", "20"});
  RunnerProject project;
  add_scenarios(project, 30);
  project.runner(double_provider(provider, "max_concurrency = 16"));
  const CommandResult result = project.run();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["ran"], 30);
  EXPECT_EQ(results["totals"]["failed"], 0);
  EXPECT_GT(results["totals"]["throttled"].get<int>(), 0);
  EXPECT_EQ(results["totals"]["throttled"], provider.stats()["rate_limited"]);
  std::set<std::string> events;
  for (const nlohmann::json& event : results["limit_history"])
    events.insert(event["event"].get<std::string>());
  EXPECT_TRUE(events.count("decrease")) << results["limit_history"].dump();   // the concurrency cap
  EXPECT_TRUE(events.count("adopt_rpm")) << results["limit_history"].dump();  // the stated rate
  EXPECT_GT(results["providers"][0]["backoff_s"].get<double>(), 0);
  // Honouring Retry-After and the stated rate keeps the 429s few.
  EXPECT_LT(results["totals"]["throttled"].get<int>(), 30);
}

TEST(RunnerAgainstDouble, AnExhaustedDailyQuotaFailsFastWithAClearMessage) {
  ProviderDouble provider({"--daily-quota", "5", "--latency-ms", "10"});
  RunnerProject project;
  add_scenarios(project, 20);
  project.runner(double_provider(provider, "max_concurrency = 1"), "max_wait_s = 60");
  const auto started = std::chrono::steady_clock::now();
  const CommandResult result = project.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("You exceeded your current quota"));
  EXPECT_THAT(result.output, HasSubstr("queued runs not attempted"));
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["ran"], 5);
  EXPECT_EQ(results["totals"]["failed"], 15);
  // Gave up at the first quota answer instead of retrying into it.
  EXPECT_EQ(provider.stats()["quota_exhausted"], 1);
}

TEST(RunnerAgainstDouble, RetriesInjected500sResetsAndHangsUntilEveryRunSucceeds) {
  ProviderDouble provider({"--error-rate", "0.2", "--reset-rate", "0.1", "--hang-rate", "0.05",
                           "--latency-ms", "10", "--seed", "7"});
  RunnerProject project;
  add_scenarios(project, 30, "timeout_s = 1");
  project.runner(double_provider(provider, "max_concurrency = 8"),
                 "max_attempts = 12\nretry_budget = 3.0");
  const CommandResult result = project.run();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["ran"], 30);
  EXPECT_GT(results["totals"]["retries"].get<int>(), 0);
  const nlohmann::json& errors = results["totals"]["errors_by_kind"];
  EXPECT_TRUE(errors.contains("http_status")) << errors.dump();
  const nlohmann::json stats = provider.stats();
  EXPECT_EQ(errors.value("http_status", 0), stats["injected_500"]);
  // Attempts are recorded, never served as results: one result per run.
  EXPECT_EQ(results["totals"]["ran"].get<int>() + results["totals"]["failed"].get<int>(), 30);
}

TEST(RunnerAgainstDouble, FailedChecksAreReportedPerScenarioAndModel) {
  ProviderDouble provider({"--models", "a,b", "--latency-ms", "5"});
  RunnerProject project;
  add_scenarios(project, 3);
  project.scenario("strict",
                   "max_tokens = 8\n[[messages]]\nrole = \"user\"\ncontent = \"x\"\n"
                   "[[checks]]\nexact = \"never\"\n");
  project.runner(double_provider(provider, "max_concurrency = 4", {"a", "b"}));
  const CommandResult result = project.run();
  EXPECT_EQ(result.exit_code, 3) << result.output;
  const nlohmann::json results = project.results();
  for (const char* model : {"a", "b"}) {
    EXPECT_EQ(model_row(results, model)["checks"]["passed"], 3);
    EXPECT_EQ(model_row(results, model)["checks"]["failed"], 1);
  }
  bool strict_failed = false;
  for (const nlohmann::json& row : results["checks"]) {
    if (row["scenario"] == "strict")
      strict_failed = row["models"]["a"]["failed"] == 1 && row["models"]["b"]["failed"] == 1;
  }
  EXPECT_TRUE(strict_failed);
}

TEST(RunnerAgainstDouble, AllModelsOfAScenarioRunAtTheSameTime) {
  // One scenario, three models on one provider that allows three at once:
  // the three requests are in flight together, not one after another.
  ProviderDouble provider({"--models", "a,b,c", "--latency-ms", "300"});
  RunnerProject project;
  add_scenarios(project, 1);
  project.runner(double_provider(provider, "max_concurrency = 3", {"a", "b", "c"}));
  const CommandResult result = project.run();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(provider.stats()["max_in_flight"], 3);
  EXPECT_EQ(project.results()["totals"]["ran"], 3);
}

TEST(RunnerAgainstDouble, DryRunSendsNothing) {
  ProviderDouble provider({});
  RunnerProject project;
  add_scenarios(project, 5);
  project.runner(double_provider(provider, "max_concurrency = 2\nrpm = 60"));
  const CommandResult dry = project.run("--dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_THAT(dry.output, HasSubstr("5 scenarios x 1 models = 5 runs"));
  EXPECT_THAT(dry.output, HasSubstr("never asked for its identity"));
  EXPECT_EQ(provider.stats()["requests"], 0);
}

TEST(RunnerAgainstDouble, AKilledRunResumesItsJobAndFinishesEveryRunOnce) {
  ProviderDouble provider({"--latency-ms", "100", "--models", "a,b,c"});
  RunnerProject project;
  add_scenarios(project, 20);
  project.runner(double_provider(provider, "max_concurrency = 3", {"a", "b", "c"}));
  const std::string command = std::string(SBENCH_CLI) + " run -c " +
                              shell_quote(project.runner_file().string()) + " --progress quiet";
  // 60 runs at 3 x 3 in flight take about 0.7 s; killed twice on the way.
  for (const char* after : {"0.4", "0.3"}) {
    const CommandResult killed = run_command(command + " > /dev/null & pid=$!; sleep " + after +
                                             "; kill -KILL $pid; wait $pid; echo status=$?");
    ASSERT_THAT(killed.output, HasSubstr("status=137"));
  }
  const CommandResult resumed = run_command(command);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("(resumed)"));
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["runs"], 60);
  EXPECT_EQ(results["totals"]["ran"], 60);
  std::set<std::string> seen;
  std::size_t passed = 0;
  for (const nlohmann::json& row : results["checks"]) {
    for (const auto& [model, cell] : row["models"].items()) {
      seen.insert(row["scenario"].get<std::string>() + "/" + model);
      passed += cell["passed"].get<std::size_t>();
    }
  }
  EXPECT_EQ(seen.size(), 60u);
  EXPECT_EQ(passed, 60u);  // each run once, none twice
}

TEST(RunnerAgainstDouble, ShardsSplitTheMatrixAndMergeIntoOneReport) {
  ProviderDouble provider({"--latency-ms", "5", "--models", "a,b"});
  RunnerProject project;
  add_scenarios(project, 10);
  project.runner(double_provider(provider, "max_concurrency = 4", {"a", "b"}));
  std::size_t total = 0;
  for (int shard = 0; shard < 3; ++shard) {
    const std::string id = std::to_string(shard);
    const CommandResult result =
        project.run("--shard " + id + "/3 --store " +
                    shell_quote((project.root() / ("shard" + id + ".sqlite")).string()) + " -o " +
                    shell_quote((project.root() / ("shard" + id + ".json")).string()));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    total += read_json(project.root() / ("shard" + id + ".json"))["totals"]["ran"].get<int>();
  }
  EXPECT_EQ(total, 20u);
  const std::filesystem::path merged = project.root() / "merged.json";
  const CommandResult merge =
      run_command(std::string(SBENCH_CLI) + " run merge --into " +
                  shell_quote((project.root() / "all.sqlite").string()) + " -o " +
                  shell_quote(merged.string()) + " " +
                  shell_quote((project.root() / "shard0.sqlite").string()) + " " +
                  shell_quote((project.root() / "shard1.sqlite").string()) + " " +
                  shell_quote((project.root() / "shard2.sqlite").string()));
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  const nlohmann::json results = read_json(merged);
  EXPECT_EQ(results["totals"]["ran"], 20);
  EXPECT_EQ(results["jobs"].size(), 3u);
}

TEST(RunnerAgainstDouble, ABadRunnerFileNamesTheFileAndTheKey) {
  RunnerProject project;
  add_scenarios(project, 1);
  project.runner(
      "[providers.api]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1\"\n"
      "rpm = \"lots\"\n[[models]]\nprovider = \"api\"\nmodel = \"m\"\n");
  const CommandResult result = project.run();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("sbench-run.toml: providers.api.rpm: expected a number"));
}

TEST(RunnerAgainstDouble, AnUnreachableModelFailsItsRunsWithTheReason) {
  RunnerProject project;
  add_scenarios(project, 2);
  project.runner(
      "[providers.api]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1\"\n"
      "[[models]]\nprovider = \"api\"\nmodel = \"m\"\n");
  const CommandResult result = project.run();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr("cannot ask for the model's identity"));
  EXPECT_EQ(project.results()["totals"]["failed"], 2);
}

TEST(RunnerAgainstDouble, AModelTheProviderDoesNotKnowFailsAloneAndTheOthersRun) {
  ProviderDouble provider({"--models", "a", "--latency-ms", "5"});
  RunnerProject project;
  add_scenarios(project, 3);
  project.runner(double_provider(provider, "max_concurrency = 2", {"a", "typo"}));
  const CommandResult result = project.run();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("model typo is not among the models the server lists (a)"));
  const nlohmann::json results = project.results();
  EXPECT_EQ(model_row(results, "a")["ran"], 3);
  EXPECT_EQ(model_row(results, "typo")["failed"], 3);
}

// The double's warm-up trap, which the sweep is measured against: its first
// answers come ten times sooner than the rest.
TEST(ProviderDouble, ItsFirstAnswersComeFasterThanItsSustainedOnes) {
  ProviderDouble provider({"--latency-ms", "200", "--fast-first", "4", "--fast-factor", "10"});
  RunnerProject project;
  add_scenarios(project, 4);
  project.runner(double_provider(provider, "max_concurrency = 1"));
  ASSERT_EQ(project.run().exit_code, 0);
  const double burst_p99 =
      model_row(project.results(), "double-model")["latency_ms"]["p99"].get<double>();
  ASSERT_EQ(project.run("--fresh").exit_code, 0);
  const double sustained_p50 =
      model_row(project.results(), "double-model")["latency_ms"]["p50"].get<double>();
  EXPECT_LT(burst_p99, 100);
  EXPECT_GT(sustained_p50, 150);
}

TEST(RunnerAgainstDouble, CommandProvidersRunAsPersistentWorkers) {
  RunnerProject project;
  add_scenarios(project, 8);
  project.runner("[providers.local]\nkind = \"command\"\ncommand = [\"python3\", \"" +
                 std::string(SBENCH_ECHO_WORKER) +
                 "\"]\nworkers = 2\n[[models]]\nname = \"echo\"\nprovider = \"local\"\n"
                 "model = \"echo\"\n");
  const CommandResult result = project.run();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = project.results();
  EXPECT_EQ(results["totals"]["ran"], 8);
  EXPECT_EQ(model_row(results, "echo")["checks"]["passed"], 8);
}

}  // namespace
}  // namespace sbench::testing
