// `sbench sweep` as a user types it, against real sbench-server processes
// (one that serialises requests, one that batches four) and the provider
// double (a fast start, injected errors).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>

#include "integration/runner/runner_test_support.hpp"

namespace sbench::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<SpawnedServer> reference_server(const std::string& max_batch) {
  return std::make_unique<SpawnedServer>(std::vector<std::string>{
      SBENCH_SERVER_BINARY, "--port", "0", "--model", "tiny", "--max-batch", max_batch});
}

std::string url_of(const SpawnedServer& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

class Sweep {
 public:
  // `shape`: what each request asks for (short answers keep tests quick).
  explicit Sweep(std::string shape = "--max-tokens 8 --prompt-words 4")
      : shape_(std::move(shape)) {}
  std::filesystem::path output() const { return dir_.path("sweep"); }
  std::string command(const std::string& url, const std::string& flags) const {
    return std::string(SBENCH_CLI) + " sweep --url " + url + " -o " +
           shell_quote(output().string()) + " " + shape_ + " --progress quiet " + flags;
  }
  CommandResult run(const std::string& url, const std::string& flags) const {
    return run_command(command(url, flags));
  }
  nlohmann::json results() const { return read_json(output() / "sweep_results.json"); }
  std::size_t stored_points() const {
    std::ifstream in(output() / "sweep_points.jsonl");
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);)
      lines += line.empty() ? 0 : 1;
    return lines;
  }

 private:
  std::string shape_;
  TempDir dir_;
};

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

const nlohmann::json& point_with_workers(const nlohmann::json& results, int workers) {
  for (const nlohmann::json& point : results["points"]) {
    if (point["point"]["workers"] == workers)
      return point;
  }
  throw std::runtime_error("no point with " + std::to_string(workers) + " workers");
}

TEST(Sweep, NamesAServerThatAnswersOneRequestAtATimeAndResumesFromItsPoints) {
  const auto server = reference_server("1");
  Sweep sweep;
  const std::string flags = "--backend reference --workers 1,2,4 --requests 120";
  const CommandResult first = sweep.run(url_of(*server), flags);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("server parallelism ≈ 1"));
  EXPECT_THAT(first.output, HasSubstr("OLLAMA_NUM_PARALLEL"));
  // Which count is recommended is noise here: every count serves the same rate.
  EXPECT_TRUE(sweep.results()["answer"]["recommendation"]["found"].get<bool>());
  const nlohmann::json results = sweep.results();
  ASSERT_EQ(results["points"].size(), 3u);
  EXPECT_TRUE(results["answer"]["diagnosis"]["serialized_server"].get<bool>());
  for (const nlohmann::json& point : results["points"]) {
    EXPECT_TRUE(point["metrics"]["sustained"]["found"].get<bool>()) << point.dump();
    EXPECT_EQ(point["metrics"]["succeeded"], 120);
    EXPECT_LT(point["metrics"]["server_concurrency"].get<double>(), 1.3);
    EXPECT_GT(point["memory"]["server_rss_mb"]["peak"].get<double>(), 1.0);  // found by port
  }
  // Queueing, not serving, is what grows with workers (4 workers: about 4x
  // the latency; 1.5x leaves room for a busy machine's noise).
  EXPECT_GT(point_with_workers(results, 4)["metrics"]["latency_ms"]["p50"].get<double>(),
            1.5 * point_with_workers(results, 1)["metrics"]["latency_ms"]["p50"].get<double>());
  ASSERT_EQ(sweep.stored_points(), 3u);

  const CommandResult again = sweep.run(url_of(*server), flags);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(count_of(again.output, "stored earlier"), 3u) << again.output;
  EXPECT_EQ(sweep.stored_points(), 3u);

  // Another request count is another point configuration: measured, not reused.
  const CommandResult more =
      sweep.run(url_of(*server), "--backend reference --workers 1 --requests 100");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(count_of(more.output, "stored earlier"), 0u) << more.output;
  EXPECT_EQ(sweep.stored_points(), 4u);
}

TEST(Sweep, ABatchingServerStreamsSeveralAnswersAtOnce) {
  const auto server = reference_server("4");
  // Answers long enough that four streams overlap even on a busy machine.
  Sweep sweep("--max-tokens 48 --prompt-words 4");
  const CommandResult result =
      sweep.run(url_of(*server), "--backend reference --workers 1,4 --requests 120");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = sweep.results();
  EXPECT_FALSE(results["answer"]["diagnosis"]["serialized_server"].get<bool>());
  EXPECT_GT(point_with_workers(results, 4)["metrics"]["server_concurrency"].get<double>(), 1.5);
  EXPECT_THAT(result.output, Not(HasSubstr("parallelism ≈ 1")));
}

TEST(Sweep, ReportsTheSustainedRateApartFromAFastStart) {
  // 100 ms answers at 2 workers: 20 requests/s sustained; the first 20 ten times faster.
  ProviderDouble provider({"--latency-ms", "100", "--fast-first", "20", "--fast-factor", "10"});
  Sweep sweep;
  const CommandResult result =
      sweep.run(provider.url(), "--model double-model --workers 2 --requests 160");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = sweep.results();
  const nlohmann::json& metrics = results["points"][0]["metrics"];
  const double sustained = metrics["sustained"]["requests_per_s"].get<double>();
  EXPECT_NEAR(sustained, 20.0, 2.0) << metrics.dump();
  EXPECT_GT(metrics["burst"]["requests_per_s"].get<double>(), 3 * sustained);
  EXPECT_GT(metrics["sustained"]["warmup_s"].get<double>(), 0.0);
  // The naive whole-run average sits between the two.
  EXPECT_GT(metrics["overall_requests_per_s"].get<double>(), sustained);
  EXPECT_GT(metrics["ttft_ms"]["p50"].get<double>(), 90.0);  // streamed from the double
}

TEST(Sweep, AServerWithTwoSlotsSaturatesAtTwoWorkers) {
  // 100 ms answers, two at a time: 10 requests/s at one worker, 20 from two
  // on. Long enough that the client's own time between answers (a few ms
  // under a sanitizer) stays well inside the 5% the diagnosis allows.
  ProviderDouble provider({"--latency-ms", "100", "--slots", "2"});
  Sweep sweep;
  const CommandResult result =
      sweep.run(provider.url(), "--model double-model --workers 1,2,4 --requests 80");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = sweep.results();
  EXPECT_EQ(results["answer"]["diagnosis"]["effect"], "saturate") << results["answer"].dump();
  EXPECT_EQ(results["answer"]["recommendation"]["workers"], 2);
  EXPECT_NEAR(
      point_with_workers(results, 4)["metrics"]["sustained"]["requests_per_s"].get<double>(), 20.0,
      2.0);
  // Two more workers only wait: twice the latency.
  EXPECT_GT(point_with_workers(results, 4)["metrics"]["latency_ms"]["p50"].get<double>(), 180.0);
}

TEST(Sweep, APointWithManyErrorsFailsTheSweepAndCountsThemByKind) {
  ProviderDouble provider({"--latency-ms", "5", "--error-rate", "0.5", "--seed", "3"});
  Sweep sweep;
  const CommandResult result =
      sweep.run(provider.url(), "--model double-model --workers 2 --requests 80");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("--max-error-rate"));
  const nlohmann::json results = sweep.results();
  const nlohmann::json& metrics = results["points"][0]["metrics"];
  EXPECT_GT(metrics["error_rate"].get<double>(), 0.3);
  EXPECT_GT(metrics["errors"]["http_status"].get<int>(), 20);
}

TEST(Sweep, OpenLoopArrivalsHoldTheOfferedRateAndCountLatencyFromEachArrival) {
  ProviderDouble provider({"--latency-ms", "50"});
  Sweep sweep;
  const CommandResult result =
      sweep.run(provider.url(), "--model double-model --rate 40 --arrivals poisson --requests 160");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = sweep.results();
  const nlohmann::json& point = results["points"][0];
  EXPECT_EQ(point["point"]["mode"], "open");
  EXPECT_NEAR(point["metrics"]["sustained"]["requests_per_s"].get<double>(), 40.0, 10.0);
  EXPECT_GE(point["metrics"]["latency_ms"]["p50"].get<double>(), 50.0);
}

TEST(Sweep, GoodputFindsTheHighestRateThatMeetsTheSlo) {
  const auto server = reference_server("1");
  // The SLO is ten times what one request takes alone on this build (a
  // sanitizer build's server is several times slower; a busy machine's
  // requests take two or three times as long as a quiet one's), so it
  // breaks only where requests queue, near the serialised server's capacity.
  Sweep alone;
  ASSERT_EQ(alone.run(url_of(*server), "--backend reference --workers 1 --requests 10").exit_code,
            0);
  const double alone_ms =
      alone.results()["points"][0]["metrics"]["latency_ms"]["p50"].get<double>();
  Sweep sweep;
  const CommandResult result =
      sweep.run(url_of(*server), "--backend reference --goodput --slo-e2e-ms " +
                                     std::to_string(10 * alone_ms) + " --rate " +
                                     std::to_string(500 / alone_ms) + " --requests 60");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json goodput = sweep.results()["goodput"];
  ASSERT_FALSE(goodput["best_rate"].is_null()) << goodput.dump();
  const double best = goodput["best_rate"].get<double>();
  // A faster probe than the answer failed. (A probe below it may fail too on
  // a busy machine, from a load spike elsewhere, so that is not checked.)
  bool some_failed = false;
  for (const nlohmann::json& probe : goodput["probes"])
    some_failed = some_failed || (probe["rate"].get<double>() > best && !probe["met"].get<bool>());
  EXPECT_TRUE(some_failed) << "the search must find where the SLO breaks";
  EXPECT_THAT(result.output, HasSubstr("Goodput:"));
}

TEST(Sweep, GoodputStopsWhenRequestsMissTheSloOnAnIdleServer) {
  const auto server = reference_server("1");
  Sweep sweep;
  // 1 ms end to end: no request of the reference server is that fast, and
  // halving the rate further would only make each probe longer.
  const CommandResult result = sweep.run(
      url_of(*server), "--backend reference --goodput --slo-e2e-ms 1 --rate 2 --requests 12");
  const nlohmann::json goodput = sweep.results()["goodput"];
  EXPECT_TRUE(goodput["best_rate"].is_null()) << goodput.dump();
  // It stops at the first probe that found the server mostly idle, far short
  // of the ten halvings the search allows otherwise.
  EXPECT_LE(goodput["probes"].size(), 5u) << goodput.dump();
  ASSERT_TRUE(goodput.contains("missed_when_idle")) << goodput.dump();
  EXPECT_LT(goodput["missed_when_idle"]["in_flight"].get<double>(), 0.5);
  EXPECT_EQ(goodput["missed_when_idle"]["rate"], goodput["probes"].back()["rate"]);
  EXPECT_THAT(result.output, HasSubstr("the SLOs are tighter than one request alone"));
}

TEST(Sweep, AutoStopsEachLevelOnceItsIntervalIsTightAndRecommends) {
  const auto server = reference_server("4");
  Sweep sweep;
  const CommandResult result =
      sweep.run(url_of(*server),
                "--backend reference --auto --max-workers 8 --precision 0.1 --min-requests 60 "
                "--max-requests 400");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json results = sweep.results();
  EXPECT_GE(results["levels"].size(), 2u);
  EXPECT_EQ(results["points"][0]["point"]["workers"], 1);
  bool any_stopped_early = false;
  for (const nlohmann::json& point : results["points"]) {
    any_stopped_early = any_stopped_early || point["stopped_early"].get<bool>();
    // A level stops once its interval is tight, or lies wholly below the best
    // so far; the answers still out then finish and move it only a little.
    if (point["stopped_early"].get<bool>()) {
      const nlohmann::json& seen = point["stopped_on"];
      const double below = point["point"]["adaptive"].value("settled_below", 0.0);
      EXPECT_TRUE(seen["relative_half_width"].get<double>() <= 0.1 ||
                  seen["ci_high"].get<double>() < below)
          << point.dump();
      EXPECT_LE(seen["answers"].get<std::size_t>(),
                point["metrics"]["requests"].get<std::size_t>());
      EXPECT_GE(seen["answers"].get<std::size_t>(), 60u) << "stopped before --min-requests";
    }
  }
  EXPECT_TRUE(any_stopped_early) << results["points"].dump();
  EXPECT_TRUE(results["answer"]["recommendation"]["found"].get<bool>());
}

TEST(Sweep, AKilledSweepResumesWithThePointsItFinished) {
  ProviderDouble provider({"--latency-ms", "20"});
  Sweep sweep;
  const std::string command =
      sweep.command(provider.url(), "--model double-model --workers 1,2,4 --requests 60");
  // The first point (60 requests at 1 worker) takes about 1.3 s; killed after it.
  const CommandResult killed = run_command(
      command + " > /dev/null & pid=$!; sleep 2; kill -KILL $pid; wait $pid; echo status=$?");
  ASSERT_THAT(killed.output, HasSubstr("status=137"));
  const std::size_t finished = sweep.stored_points();
  ASSERT_GE(finished, 1u);
  ASSERT_LT(finished, 3u);
  const CommandResult resumed = run_command(command);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(count_of(resumed.output, "stored earlier"), finished) << resumed.output;
  EXPECT_EQ(sweep.results()["points"].size(), 3u);
  EXPECT_EQ(sweep.stored_points(), 3u);
}

TEST(Sweep, BadInputAndAnUnreachableServerGetClearErrors) {
  Sweep sweep;
  const CommandResult zero = sweep.run("http://127.0.0.1:9", "--workers 0,2");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.output, HasSubstr("--workers: every value must be above 0"));
  // The fixture gives --max-tokens already: a second one is a parse error.
  const CommandResult twice = sweep.run("http://127.0.0.1:9", "--max-tokens 9");
  EXPECT_EQ(twice.exit_code, 2) << twice.output;
  const CommandResult unknown = sweep.run("http://127.0.0.1:9", "--wrokers 2");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("--wrokers"));
  const CommandResult url = sweep.run("https://example.com", "");
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_THAT(url.output, HasSubstr("not an http:// URL"));
  const CommandResult down = sweep.run("http://127.0.0.1:9", "--workers 2 --requests 10");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.output, HasSubstr("cannot reach the server"));
}

}  // namespace
}  // namespace sbench::testing
