#include "sweep/point_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace sbench::runner {
namespace {

using std::chrono::duration_cast;

LoadClock::time_point at(LoadClock::time_point origin, double seconds) {
  return origin + duration_cast<LoadClock::duration>(std::chrono::duration<double>(seconds));
}

// Uniform in [0, 1) from a seeded engine: the same numbers on every standard
// library, unlike std::uniform_real_distribution.
struct Noise {
  std::mt19937_64 engine;
  explicit Noise(std::uint64_t seed) : engine(seed) {}
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  double between(double low, double high) { return low + (high - low) * uniform(); }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
};

// A closed loop: `workers` each send the next request as soon as their last
// one is answered. The service time may depend on the request's index and on
// when it starts, which is how the tests shape a fast start or a slowing server.
struct ClosedLoop {
  std::size_t workers = 4;
  std::size_t requests = 1000;
  std::function<double(std::size_t index, double start_s)> service_s;
  std::size_t streamed_pieces = 0;  // 0: answers are not streamed
  std::int64_t completion_tokens = 100;
  std::function<std::string(std::size_t index)> error_kind = [](std::size_t) { return ""; };
};

std::vector<RequestRecord> simulate(const ClosedLoop& loop) {
  const LoadClock::time_point origin{};
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (std::size_t i = 0; i < loop.workers; ++i)
    free_at.push(0);
  std::vector<RequestRecord> records;
  for (std::size_t index = 0; index < loop.requests; ++index) {
    const double start = free_at.top();
    free_at.pop();
    const double end = start + loop.service_s(index, start);
    free_at.push(end);
    RequestRecord record;
    record.scheduled = record.sent = at(origin, start);
    record.done = at(origin, end);
    record.completion_tokens = loop.completion_tokens;
    record.error_kind = loop.error_kind(index);
    for (std::size_t piece = 1; piece <= loop.streamed_pieces; ++piece)
      record.token_times.push_back(
          at(origin, start + (end - start) * static_cast<double>(piece) /
                                 static_cast<double>(loop.streamed_pieces)));
    records.push_back(std::move(record));
  }
  return records;
}

// Service around one second, the first `fast` requests ten times faster:
// the start-up burst some servers (Ollama) show.
ClosedLoop fast_start(std::size_t workers, std::size_t requests, std::size_t fast = 20) {
  auto noise = std::make_shared<Noise>(7);
  return {.workers = workers,
          .requests = requests,
          .service_s = [noise, fast](std::size_t index, double) {
            const double service = noise->between(0.8, 1.2);
            return index < fast ? service / 10 : service;
          }};
}

ClosedLoop exponential_service(std::size_t workers, std::size_t requests, std::uint64_t seed) {
  auto noise = std::make_shared<Noise>(seed);
  return {.workers = workers, .requests = requests, .service_s = [noise](std::size_t, double) {
            return noise->exponential(1.0);
          }};
}

TEST(SustainedRate, TheSustainedRateLeavesOutAFastStartThatTheBurstReports) {
  const std::vector<RequestRecord> records = simulate(fast_start(4, 200));
  const PointMetrics metrics = analyze_point(records);
  ASSERT_TRUE(metrics.sustained.found) << metrics.sustained.reason;
  EXPECT_NEAR(metrics.sustained.requests_per_s, 4.0, 0.03 * 4.0);
  EXPECT_GT(metrics.sustained.warmup_s, 0);
  // Twenty requests at a tenth of a second on four workers: about 40/s.
  EXPECT_NEAR(metrics.burst.requests_per_s, 40.0, 8.0);
  EXPECT_EQ(metrics.burst.requests, 20u);
  // The naive rate is fooled by the burst, which is what makes the test telling.
  EXPECT_GT(metrics.overall_requests_per_s, 1.06 * 4.0);
}

TEST(SustainedRate, TenTimesTheRequestsGiveTheSameRate) {
  const SustainedRate short_run = find_sustained_rate(simulate(fast_start(4, 1'000)));
  const SustainedRate long_run = find_sustained_rate(simulate(fast_start(4, 10'000)));
  ASSERT_TRUE(short_run.found && long_run.found);
  EXPECT_NEAR(short_run.requests_per_s / long_run.requests_per_s, 1.0, 0.05);
  EXPECT_NEAR(long_run.requests_per_s, 4.0, 0.03 * 4.0);
}

TEST(SustainedRate, TheDrainAfterTheLastSendIsLeftOut) {
  // The last answers of a run come slowly, as a server's batch empties:
  // counting them would drag the rate down.
  constexpr std::size_t kWorkers = 16, kRequests = 400;
  auto noise = std::make_shared<Noise>(3);
  const std::vector<RequestRecord> records = simulate(
      {.workers = kWorkers, .requests = kRequests, .service_s = [noise](std::size_t index, double) {
         return index >= kRequests - kWorkers ? 8.0 : noise->between(0.8, 1.2);
       }});
  const PointMetrics metrics = analyze_point(records);
  ASSERT_TRUE(metrics.sustained.found) << metrics.sustained.reason;
  EXPECT_NEAR(metrics.sustained.requests_per_s, 16.0, 0.03 * 16.0);
  const double last_sent_s =
      std::chrono::duration<double>(records.back().sent.time_since_epoch()).count();
  EXPECT_LE(metrics.sustained.end_s, last_sent_s + 1e-9);
  EXPECT_LT(metrics.overall_requests_per_s, 0.85 * 16.0);
}

TEST(SustainedRate, TheIntervalCoversTheTrueRateAndNarrowsWithMoreData) {
  // Exponential service on four workers: answers arrive as a Poisson stream of 4/s.
  int covered = 0;
  constexpr int kRuns = 20;
  for (int seed = 1; seed <= kRuns; ++seed) {
    const SustainedRate rate = find_sustained_rate(simulate(exponential_service(4, 1'000, seed)));
    ASSERT_TRUE(rate.found) << rate.reason;
    covered += rate.ci_low <= 4.0 && 4.0 <= rate.ci_high;
  }
  EXPECT_GE(covered, 16) << "of " << kRuns;  // a 95 % interval; 16 of 20 is its 2 % tail

  const SustainedRate small = find_sustained_rate(simulate(exponential_service(4, 500, 99)));
  const SustainedRate large = find_sustained_rate(simulate(exponential_service(4, 5'000, 99)));
  ASSERT_TRUE(small.found && large.found);
  EXPECT_LT(large.relative_half_width, 0.6 * small.relative_half_width);
  EXPECT_LT(large.ci_low, 4.0);
  EXPECT_GT(large.ci_high, 4.0);
}

TEST(SustainedRate, ASlowingServerShowsNegativeDrift) {
  auto noise = std::make_shared<Noise>(5);
  // Each answer takes longer the later it starts: the rate falls from 4/s to
  // about 1.3/s over five minutes.
  const SustainedRate slowing = find_sustained_rate(
      simulate({.workers = 4, .requests = 600, .service_s = [noise](std::size_t, double start_s) {
                  return noise->between(0.9, 1.1) * (1 + start_s / 150);
                }}));
  const SustainedRate steady = find_sustained_rate(simulate(fast_start(4, 600, 0)));
  ASSERT_TRUE(slowing.found && steady.found);
  EXPECT_LT(slowing.drift_per_minute, -0.1);
  EXPECT_LT(std::abs(steady.drift_per_minute), 0.03);
}

TEST(SustainedRate, TooFewRequestsGiveNoRateAndSayWhy) {
  const SustainedRate few = find_sustained_rate(simulate(fast_start(2, 7, 0)));
  EXPECT_FALSE(few.found);
  EXPECT_NE(few.reason.find("only 7 completions"), std::string::npos) << few.reason;

  // Enough answers, but most of them after the last send: only draining.
  const SustainedRate drained = find_sustained_rate(simulate(fast_start(16, 30, 0)));
  EXPECT_FALSE(drained.found);
  EXPECT_NE(drained.reason.find("last request was sent"), std::string::npos) << drained.reason;
}

TEST(SustainedRate, FailedRequestsCountForNothing) {
  ClosedLoop loop = fast_start(4, 800, 0);
  loop.error_kind = [](std::size_t index) { return index % 4 == 3 ? "http_status" : ""; };
  const SustainedRate rate = find_sustained_rate(simulate(loop));
  ASSERT_TRUE(rate.found) << rate.reason;
  EXPECT_NEAR(rate.requests_per_s, 3.0, 0.03 * 3.0);
}

TEST(SustainedRate, StreamedAnswersSpreadTheirTokensOverTheirPieces) {
  ClosedLoop loop = fast_start(4, 400);
  loop.streamed_pieces = 25;
  loop.completion_tokens = 100;
  const SustainedRate rate = find_sustained_rate(simulate(loop));
  ASSERT_TRUE(rate.found) << rate.reason;
  EXPECT_NEAR(rate.requests_per_s, 4.0, 0.03 * 4.0);
  EXPECT_NEAR(rate.tokens_per_s, 400.0, 0.03 * 400.0);
}

TEST(SustainedRate, ALongStreamedAnswerCountsAsItsPiecesArriveNotAllAtTheEnd) {
  // Four workers in lockstep, twenty seconds an answer: by completions alone
  // the bins would hold 4, 0, 8, 4, ... answers; by pieces every bin holds the same.
  const SustainedRate rate =
      find_sustained_rate(simulate({.workers = 4,
                                    .requests = 60,
                                    .service_s = [](std::size_t, double) { return 20.0; },
                                    .streamed_pieces = 50}));
  ASSERT_TRUE(rate.found) << rate.reason;
  EXPECT_NEAR(rate.requests_per_s, 0.2, 0.01 * 0.2);
  EXPECT_LT(rate.cv, 0.05);
  EXPECT_LT(rate.relative_half_width, 0.05);
}

TEST(PointAnalysis, ErrorsAreCountedByKind) {
  ClosedLoop loop = fast_start(4, 50, 0);
  loop.error_kind = [](std::size_t index) -> std::string {
    if (index % 10 == 1)
      return "rate_limited";
    if (index == 7 || index == 8)
      return "http_status";
    return "";
  };
  const PointMetrics metrics = analyze_point(simulate(loop));
  EXPECT_EQ(metrics.requests, 50u);
  EXPECT_EQ(metrics.failed, 7u);
  EXPECT_EQ(metrics.succeeded, 43u);
  EXPECT_DOUBLE_EQ(metrics.error_rate, 7.0 / 50);
  EXPECT_EQ(metrics.errors.at("rate_limited"), 5u);
  EXPECT_EQ(metrics.errors.at("http_status"), 2u);
  EXPECT_EQ(metrics.errors.size(), 2u);
  EXPECT_EQ(metrics.latency_ms.n, 43u);
}

TEST(PointAnalysis, TimeToFirstTokenAndInterTokenLatencyComeFromTheTokenTimes) {
  const LoadClock::time_point origin{};
  std::vector<RequestRecord> records(3);
  records[0].scheduled = records[0].sent = origin;
  records[0].token_times = {at(origin, 0.100), at(origin, 0.120), at(origin, 0.150)};
  records[0].done = at(origin, 0.150);
  records[1].scheduled = at(origin, 1.0);
  records[1].sent = at(origin, 1.010);  // queued in the client: that counts
  records[1].token_times = {at(origin, 1.200), at(origin, 1.210)};
  records[1].done = at(origin, 1.250);
  records[2].scheduled = records[2].sent = at(origin, 2.0);
  records[2].done = at(origin, 2.5);  // not streamed: no first token
  const PointMetrics metrics = analyze_point(records);
  EXPECT_EQ(metrics.ttft_ms.n, 2u);
  EXPECT_NEAR(metrics.ttft_ms.p50, 150, 1e-6);  // of 100 and 200
  EXPECT_NEAR(metrics.ttft_ms.mean, 150, 1e-6);
  EXPECT_EQ(metrics.itl_ms.n, 3u);  // 20, 30 and 10
  EXPECT_NEAR(metrics.itl_ms.p50, 20, 1e-6);
  EXPECT_NEAR(metrics.itl_ms.mean, 20, 1e-6);
  EXPECT_NEAR(metrics.latency_ms.p50, 250, 1e-6);  // of 150, 250 and 500
  EXPECT_NEAR(metrics.duration_s, 2.5, 1e-9);
}

TEST(PointAnalysis, ServerConcurrencyTellsOneAtATimeFromBatching) {
  // Eight workers wait on a server that streams one answer after the other:
  // each request is scheduled at 0, its answer streams in its own second.
  const LoadClock::time_point origin{};
  std::vector<RequestRecord> serial(40);
  for (std::size_t i = 0; i < serial.size(); ++i) {
    const double begin = 0.2 + static_cast<double>(i);  // a prefill gap before each answer
    serial[i].scheduled = serial[i].sent = origin;
    for (int piece = 0; piece < 10; ++piece)
      serial[i].token_times.push_back(at(origin, begin + 0.08 * piece));
    serial[i].done = at(origin, begin + 0.8);
  }
  EXPECT_NEAR(analyze_point(serial).server_concurrency, 1.0, 1e-9);

  ClosedLoop batching = exponential_service(4, 400, 3);
  batching.streamed_pieces = 10;
  const double concurrency = analyze_point(simulate(batching)).server_concurrency;
  EXPECT_GT(concurrency, 3.0);  // four answers at once, less their first pieces
  EXPECT_LE(concurrency, 4.0);

  // A buffered stream (its pieces in one or two reads) says nothing about overlap.
  for (RequestRecord& record : serial) {
    std::fill(record.token_times.begin(), record.token_times.end(), record.done);
    record.token_times.front() = record.done - std::chrono::milliseconds(1);
  }
  EXPECT_EQ(analyze_point(serial).server_concurrency, 0.0);
}

TEST(PointAnalysis, FewerSuccessesThanTheBurstSizeMakeAShorterBurst) {
  const PointMetrics metrics = analyze_point(simulate(fast_start(2, 10)));
  EXPECT_EQ(metrics.burst.requests, 10u);
  EXPECT_GT(metrics.burst.requests_per_s, 10.0);  // all ten were fast ones on two workers
}

TEST(PointAnalysis, TheTimelineCoversEveryAnswerAndShowsTheFastStart) {
  const PointMetrics metrics = analyze_point(simulate(fast_start(4, 200)));
  ASSERT_FALSE(metrics.timeline.empty());
  EXPECT_LE(metrics.timeline.size(), 100u);
  const double width = metrics.duration_s / static_cast<double>(metrics.timeline.size());
  double answers = 0;
  for (const RatePoint& point : metrics.timeline)
    answers += point.requests_per_s * width;
  EXPECT_NEAR(answers, 200, 1e-6);
  EXPECT_GT(metrics.timeline.front().requests_per_s, 2 * metrics.sustained.requests_per_s);
  EXPECT_NEAR(metrics.mean_completion_tokens, 100, 1e-9);
}

}  // namespace
}  // namespace sbench::runner
