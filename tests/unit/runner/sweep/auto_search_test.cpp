#include "sweep/auto_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

namespace sbench::runner {
namespace {

using RateCurve = std::function<double(std::size_t workers)>;

WorkerLevel measure(std::size_t workers, const RateCurve& rate_of) {
  const double rate = rate_of(workers);
  return {.workers = workers,
          .found = true,
          .rate = rate,
          .ci_low = 0.99 * rate,
          .ci_high = 1.01 * rate,
          .latency_p50_ms = static_cast<double>(workers) / rate * 1e3};
}

// The counts in the order the search asked for them.
std::vector<std::size_t> run_search(AutoSearch& search, const RateCurve& rate_of) {
  std::vector<std::size_t> asked;
  while (const std::optional<std::size_t> workers = search.next()) {
    asked.push_back(*workers);
    if (asked.size() > 64)
      break;  // a search that does not end fails below
    search.record(measure(*workers, rate_of));
  }
  return asked;
}

double best_rate_up_to(std::size_t max_workers, const RateCurve& rate_of) {
  double best = 0;
  for (std::size_t workers = 1; workers <= max_workers; ++workers)
    best = std::max(best, rate_of(workers));
  return best;
}

// A full grid 1, 2, 4, ..., 64 measures seven levels before any refinement.
constexpr std::size_t kDoublingGridLevels = 7;

TEST(AutoSearch, FindsTheKneeOfASaturatingServerWithoutMeasuringFarBeyondIt) {
  const RateCurve saturating = [](std::size_t workers) {
    return static_cast<double>(std::min<std::size_t>(workers, 8)) * 10;
  };
  AutoSearch search({});
  const std::vector<std::size_t> asked = run_search(search, saturating);
  ASSERT_LE(asked.size(), 64u);
  const Recommendation recommendation = recommend_workers(search.levels());
  ASSERT_TRUE(recommendation.found);
  EXPECT_GE(recommendation.rate, 0.95 * best_rate_up_to(64, saturating));
  EXPECT_EQ(recommendation.workers, 8u);  // refinement shows 7 is not enough
  EXPECT_LE(asked.size(), kDoublingGridLevels);
  EXPECT_LE(*std::ranges::max_element(asked), 16u);  // doubling stopped at the first flat step
}

TEST(AutoSearch, FindsThePeakOfAServerThatMoreWorkersHurt) {
  // Rises to 120/s at 12 workers, then falls 4/s for every worker more.
  const RateCurve hurting = [](std::size_t workers) {
    const double w = static_cast<double>(workers);
    return workers <= 12 ? 10 * w : std::max(1.0, 120 - 4 * (w - 12));
  };
  AutoSearch search({});
  const std::vector<std::size_t> asked = run_search(search, hurting);
  ASSERT_LE(asked.size(), 64u);
  const Recommendation recommendation = recommend_workers(search.levels());
  ASSERT_TRUE(recommendation.found);
  EXPECT_GE(recommendation.rate, 0.95 * best_rate_up_to(64, hurting));
  // The grid would find 16 at 104/s; the search finds the peak between 8 and 16.
  EXPECT_GE(recommendation.rate, 114);
  EXPECT_LT(asked.size(), kDoublingGridLevels + 5);
  EXPECT_LE(*std::ranges::max_element(asked), 32u);
}

TEST(AutoSearch, AServerThatKeepsScalingIsMeasuredUpToTheLimit) {
  const RateCurve linear = [](std::size_t workers) { return 10.0 * static_cast<double>(workers); };
  AutoSearch search({.min_workers = 2, .max_workers = 48});
  const std::vector<std::size_t> asked = run_search(search, linear);
  EXPECT_EQ(asked, (std::vector<std::size_t>{2, 4, 8, 16, 32, 48}));
}

TEST(AutoSearch, ErrorsStopTheDoubling) {
  const RateCurve linear = [](std::size_t workers) { return 10.0 * static_cast<double>(workers); };
  AutoSearch search({});
  std::vector<std::size_t> asked;
  while (const std::optional<std::size_t> workers = search.next()) {
    asked.push_back(*workers);
    ASSERT_LE(asked.size(), 64u);
    WorkerLevel level = measure(*workers, linear);
    if (*workers >= 16)
      level.error_rate = 0.3;  // the server starts refusing at 16 at once
    search.record(level);
  }
  EXPECT_LE(*std::ranges::max_element(asked), 16u);
  const Recommendation recommendation = recommend_workers(search.levels());
  ASSERT_TRUE(recommendation.found);
  EXPECT_LT(recommendation.workers, 16u);
  EXPECT_GT(recommendation.workers, 8u);  // bisection looked between 8 and 16
  // Below 8 the rate was still rising: no knee to look for there.
  EXPECT_EQ(std::ranges::count_if(asked, [](std::size_t w) { return w > 4 && w < 8; }), 0);
}

TEST(AutoSearch, NothingMoreWhenTheFirstLevelHasNoRate) {
  AutoSearch search({.min_workers = 4});
  ASSERT_EQ(search.next(), 4u);
  search.record({.workers = 4, .found = false});
  EXPECT_FALSE(search.next());
}

TEST(AutoSearch, LevelsComeBackSortedByWorkers) {
  AutoSearch search({});
  for (std::size_t workers : {8, 2, 16, 4})
    search.record(measure(workers, [](std::size_t w) { return static_cast<double>(w); }));
  std::vector<std::size_t> workers;
  for (const WorkerLevel& level : search.levels())
    workers.push_back(level.workers);
  EXPECT_EQ(workers, (std::vector<std::size_t>{2, 4, 8, 16}));
}

}  // namespace
}  // namespace sbench::runner
