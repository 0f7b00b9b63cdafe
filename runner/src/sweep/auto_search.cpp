#include "sweep/auto_search.hpp"

#include <algorithm>
#include <iterator>

namespace sbench::runner {

// The search
// ==========
//
// 1. Doubling: min_workers, 2 min_workers, 4 min_workers, ... (the last step
//    capped at max_workers) for as long as each level beats the one before
//    by more than the tolerance. The first level that does not (flat, lower,
//    more than 5 % errors, or no sustained rate) ends it. A server's rate
//    usually rises with workers up to its parallelism and then stays flat or
//    falls, so this brackets the knee in log2(knee) + 2 levels.
// 2. Refinement by bisection, between measured neighbours only, so every
//    step narrows a gap and the search ends:
//    - below the knee (the fewest workers within tolerance of the best, as
//      recommend_workers picks it), when the next higher count has a rate:
//      the next lower measured count is more than the tolerance below the
//      best, so the knee may lie between them. Without a rate above it (none
//      measured, or too many errors there) the curve may still be rising,
//      and there is no knee below it to find;
//    - above the best: the next higher measured count, unless its rate is
//      within tolerance of the best (then the curve is flat there and a peak
//      in between is unlikely).
//    A gap is closed once it is at most max(1, 10 % of the count it is next to).
//    The lower gap comes first: a knee found there lowers the recommendation,
//    which is what the search is for.

namespace {

std::size_t resolution(std::size_t workers) {
  return std::max<std::size_t>(1, workers / 10);
}

std::size_t midpoint(std::size_t low, std::size_t high) {
  return low + (high - low) / 2;
}

}  // namespace

AutoSearch::AutoSearch(AutoSearchOptions options) : options_(options) {
  options_.min_workers = std::max<std::size_t>(1, options_.min_workers);
  options_.max_workers = std::max(options_.min_workers, options_.max_workers);
}

std::optional<std::size_t> AutoSearch::next() const {
  if (const std::optional<std::size_t> doubling = next_doubling())
    return doubling;
  return next_refinement();
}

void AutoSearch::record(const WorkerLevel& level) {
  const auto at = std::ranges::lower_bound(levels_, level.workers, {}, &WorkerLevel::workers);
  if (at != levels_.end() && at->workers == level.workers)
    *at = level;
  else
    levels_.insert(at, level);
}

const WorkerLevel* AutoSearch::measured(std::size_t workers) const {
  const auto at = std::ranges::lower_bound(levels_, workers, {}, &WorkerLevel::workers);
  return at != levels_.end() && at->workers == workers ? &*at : nullptr;
}

std::optional<std::size_t> AutoSearch::next_doubling() const {
  const WorkerLevel* previous = nullptr;
  for (std::size_t workers = options_.min_workers;;
       workers = std::min(2 * workers, options_.max_workers)) {
    const WorkerLevel* level = measured(workers);
    if (level == nullptr)
      return workers;
    const bool improved =
        previous == nullptr || level->rate > (1 + options_.tolerance) * previous->rate;
    if (!recommendable(*level) || !improved || workers == options_.max_workers)
      return std::nullopt;
    previous = level;
  }
}

std::optional<std::size_t> AutoSearch::next_refinement() const {
  const Recommendation recommendation = recommend_workers(levels_, options_.tolerance);
  if (!recommendation.found)
    return std::nullopt;
  const auto knee =
      std::ranges::lower_bound(levels_, recommendation.workers, {}, &WorkerLevel::workers);
  const bool rate_known_above = std::next(knee) != levels_.end() && recommendable(*std::next(knee));
  if (knee != levels_.begin() && rate_known_above) {
    const WorkerLevel& below = *std::prev(knee);
    if (knee->workers - below.workers > resolution(knee->workers))
      return midpoint(below.workers, knee->workers);
  }
  const auto above =
      std::ranges::upper_bound(levels_, recommendation.best_workers, {}, &WorkerLevel::workers);
  if (above == levels_.end())
    return std::nullopt;
  const bool flat_above =
      recommendable(*above) && above->rate >= (1 - options_.tolerance) * recommendation.best_rate;
  const std::size_t gap = above->workers - recommendation.best_workers;
  if (flat_above || gap <= resolution(recommendation.best_workers))
    return std::nullopt;
  return midpoint(recommendation.best_workers, above->workers);
}

}  // namespace sbench::runner
