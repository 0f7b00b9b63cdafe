#include "sweep/sweep_answer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace sbench::runner {
namespace {

// A level whose interval is 2 % either side of its rate; the latency is what
// a closed loop gives at that rate (Little's law: workers / rate).
WorkerLevel level(std::size_t workers, double rate) {
  const double latency_ms = static_cast<double>(workers) / rate * 1e3;
  return {.workers = workers,
          .found = true,
          .rate = rate,
          .ci_low = 0.98 * rate,
          .ci_high = 1.02 * rate,
          .latency_p50_ms = latency_ms,
          .latency_p95_ms = 1.5 * latency_ms};
}

std::vector<WorkerLevel> curve(std::initializer_list<std::pair<std::size_t, double>> points) {
  std::vector<WorkerLevel> levels;
  for (const auto& [workers, rate] : points)
    levels.push_back(level(workers, rate));
  return levels;
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Recommendation, PicksTheFewestWorkersWithinToleranceOfTheBest) {
  const std::vector<WorkerLevel> levels =
      curve({{32, 79}, {1, 10}, {2, 20}, {4, 40}, {8, 78}, {16, 80}});
  const Recommendation recommendation = recommend_workers(levels);
  ASSERT_TRUE(recommendation.found);
  EXPECT_EQ(recommendation.workers, 8u);
  EXPECT_DOUBLE_EQ(recommendation.rate, 78);
  EXPECT_DOUBLE_EQ(recommendation.ci_low, 0.98 * 78);
  EXPECT_EQ(recommendation.best_workers, 16u);
  EXPECT_DOUBLE_EQ(recommendation.best_rate, 80);
  EXPECT_TRUE(mentions(recommendation.reason, "8 workers")) << recommendation.reason;
}

TEST(Recommendation, ATighterToleranceAsksForMoreWorkers) {
  const std::vector<WorkerLevel> levels = curve({{4, 40}, {8, 78}, {16, 80}});
  EXPECT_EQ(recommend_workers(levels, 0.01).workers, 16u);
}

TEST(Recommendation, LevelsWithManyErrorsAreLeftOut) {
  std::vector<WorkerLevel> levels = curve({{4, 40}, {8, 60}, {16, 90}});
  levels[2].error_rate = 0.2;
  const Recommendation recommendation = recommend_workers(levels);
  ASSERT_TRUE(recommendation.found);
  EXPECT_EQ(recommendation.workers, 8u);
  EXPECT_DOUBLE_EQ(recommendation.best_rate, 60);
  EXPECT_TRUE(mentions(recommendation.reason, "16 workers")) << recommendation.reason;
}

TEST(Recommendation, NoneWhenEveryLevelHasManyErrors) {
  std::vector<WorkerLevel> levels = curve({{4, 40}, {8, 60}});
  for (WorkerLevel& each : levels)
    each.error_rate = 0.5;
  const Recommendation recommendation = recommend_workers(levels);
  EXPECT_FALSE(recommendation.found);
  EXPECT_TRUE(mentions(recommendation.reason, "5 %")) << recommendation.reason;
}

TEST(Recommendation, NoneWithoutASustainedRate) {
  std::vector<WorkerLevel> levels = curve({{4, 40}});
  levels[0].found = false;
  const Recommendation recommendation = recommend_workers(levels);
  EXPECT_FALSE(recommendation.found);
  EXPECT_FALSE(recommendation.reason.empty());
}

TEST(Eta, TheBandBracketsThePointEstimate) {
  const Eta eta = estimate_eta(1000, 10, 8, 12.5);
  EXPECT_TRUE(eta.bounded);
  EXPECT_DOUBLE_EQ(eta.seconds, 100);
  EXPECT_DOUBLE_EQ(eta.low_seconds, 80);
  EXPECT_DOUBLE_EQ(eta.high_seconds, 125);
  EXPECT_LT(eta.low_seconds, eta.seconds);
  EXPECT_GT(eta.high_seconds, eta.seconds);
}

TEST(Eta, AnIntervalReachingZeroHasNoUpperEnd) {
  const Eta eta = estimate_eta(1000, 10, -1, 21);
  EXPECT_FALSE(eta.bounded);
  EXPECT_TRUE(std::isinf(eta.high_seconds));
  EXPECT_DOUBLE_EQ(eta.seconds, 100);
  EXPECT_NEAR(eta.low_seconds, 1000.0 / 21, 1e-9);
}

TEST(Diagnosis, ScenarioAWorkersStillHelp) {
  const Diagnosis diagnosis = diagnose(curve({{1, 10}, {2, 19}, {4, 37}, {8, 70}}));
  EXPECT_EQ(diagnosis.effect, WorkerEffect::help);
  EXPECT_FALSE(diagnosis.serialized_server);
  EXPECT_TRUE(mentions(diagnosis.summary, "try more workers")) << diagnosis.summary;
}

TEST(Diagnosis, ScenarioBTheRateLevelsOffAtTheKnee) {
  const Diagnosis diagnosis =
      diagnose(curve({{1, 10}, {2, 20}, {4, 40}, {8, 80}, {16, 81}, {32, 80}}));
  EXPECT_EQ(diagnosis.effect, WorkerEffect::saturate);
  EXPECT_FALSE(diagnosis.serialized_server);
  EXPECT_TRUE(mentions(diagnosis.summary, "levels off at 8 workers")) << diagnosis.summary;
  EXPECT_TRUE(diagnosis.settings_to_check.empty());
}

TEST(Diagnosis, ScenarioCMoreWorkersHurt) {
  const Diagnosis diagnosis =
      diagnose(curve({{1, 10}, {2, 20}, {4, 40}, {8, 80}, {16, 60}, {32, 30}}));
  EXPECT_EQ(diagnosis.effect, WorkerEffect::hurt);
  EXPECT_TRUE(mentions(diagnosis.summary, "peaks at 8 workers")) << diagnosis.summary;
}

TEST(Diagnosis, AFallTheIntervalsExplainIsNotHurt) {
  std::vector<WorkerLevel> levels = curve({{1, 10}, {2, 20}, {4, 40}, {8, 80}, {16, 70}});
  levels[3].ci_low = 66;
  levels[4].ci_high = 74;
  EXPECT_EQ(diagnose(levels).effect, WorkerEffect::saturate);
}

TEST(Diagnosis, AFlatRateWithLatencyInProportionToWorkersIsASerializedServer) {
  const Diagnosis diagnosis = diagnose(curve({{1, 10}, {2, 10.3}, {4, 9.9}, {8, 10.1}, {16, 9.8}}));
  EXPECT_TRUE(diagnosis.serialized_server);
  EXPECT_EQ(diagnosis.effect, WorkerEffect::saturate);
  EXPECT_TRUE(mentions(diagnosis.summary, "one request at a time")) << diagnosis.summary;
  EXPECT_TRUE(mentions(diagnosis.summary, "parallelism ≈ 1")) << diagnosis.summary;
  EXPECT_EQ(diagnosis.settings_to_check,
            (std::vector<std::string>{"OLLAMA_NUM_PARALLEL (Ollama)",
                                      "-np / --parallel (llama.cpp server)",
                                      "--max-num-seqs (vLLM)", "--max-batch (sbench-server)"}));
}

TEST(Diagnosis, AFlatRateWithFlatLatencyIsSaturatedButNotSerialized) {
  // A client-side limit, not the server: the latency does not grow.
  std::vector<WorkerLevel> levels = curve({{1, 10}, {2, 10.3}, {4, 9.9}, {8, 10.1}, {16, 9.8}});
  for (WorkerLevel& each : levels)
    each.latency_p50_ms = 100;
  const Diagnosis diagnosis = diagnose(levels);
  EXPECT_FALSE(diagnosis.serialized_server);
  EXPECT_EQ(diagnosis.effect, WorkerEffect::saturate);
  EXPECT_TRUE(diagnosis.settings_to_check.empty());
}

TEST(Diagnosis, AFlatRateFromFourWorkersUpCannotTellParallelismOne) {
  // Four server slots measured from four workers up look exactly like this.
  const Diagnosis diagnosis = diagnose(curve({{4, 40}, {8, 41}, {16, 40}}));
  EXPECT_FALSE(diagnosis.serialized_server);
  EXPECT_EQ(diagnosis.effect, WorkerEffect::saturate);
  EXPECT_TRUE(mentions(diagnosis.summary, "measure fewer")) << diagnosis.summary;
}

TEST(Diagnosis, StreamedAnswersThatNeverOverlapShowASerializedServerFromAnyWorkerCount) {
  // The seed's grid starts at two workers; rates and latencies alone cannot
  // tell this server from one with two slots, the overlap of answers can.
  std::vector<WorkerLevel> levels = curve({{2, 1.3}, {4, 1.4}, {8, 1.4}, {16, 1.4}});
  for (WorkerLevel& each : levels)
    each.server_concurrency = 1.02;
  const Diagnosis serial = diagnose(levels);
  EXPECT_TRUE(serial.serialized_server);
  EXPECT_TRUE(mentions(serial.summary, "1.02 answers were streaming at once")) << serial.summary;
  EXPECT_FALSE(serial.settings_to_check.empty());

  for (WorkerLevel& each : levels)
    each.server_concurrency = 3.9;  // four slots, all busy
  const Diagnosis batching = diagnose(levels);
  EXPECT_FALSE(batching.serialized_server);
  EXPECT_EQ(batching.effect, WorkerEffect::saturate);
}

TEST(Diagnosis, OneLevelIsNotEnough) {
  std::vector<WorkerLevel> levels = curve({{1, 10}, {2, 20}});
  levels[1].found = false;
  const Diagnosis diagnosis = diagnose(levels);
  EXPECT_EQ(diagnosis.effect, WorkerEffect::unknown);
  EXPECT_FALSE(diagnosis.summary.empty());
}

TEST(Diagnosis, EffectsHaveTheirNames) {
  EXPECT_EQ(to_string(WorkerEffect::help), "help");
  EXPECT_EQ(to_string(WorkerEffect::saturate), "saturate");
  EXPECT_EQ(to_string(WorkerEffect::hurt), "hurt");
  EXPECT_EQ(to_string(WorkerEffect::unknown), "unknown");
}

}  // namespace
}  // namespace sbench::runner
