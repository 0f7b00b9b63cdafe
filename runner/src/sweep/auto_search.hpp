#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "sweep/sweep_answer.hpp"

namespace sbench::runner {

struct AutoSearchOptions {
  std::size_t min_workers = 1;
  std::size_t max_workers = 64;
  double tolerance = 0.05;  // a rate within this fraction of another is no better
};

// The worker counts `sbench sweep --auto` measures, chosen from the levels
// measured so far: doubling from min_workers while the rate keeps rising,
// then bisection around the best level (the strategy is in auto_search.cpp).
// Deterministic: the same measurements give the same counts.
class AutoSearch {
 public:
  explicit AutoSearch(AutoSearchOptions options);

  // The next worker count to measure; nullopt when the search is done.
  std::optional<std::size_t> next() const;
  // A measurement, normally of the count next() gave; one of a count already
  // measured replaces it.
  void record(const WorkerLevel& level);
  std::span<const WorkerLevel> levels() const { return levels_; }  // sorted by workers

 private:
  std::optional<std::size_t> next_doubling() const;
  std::optional<std::size_t> next_refinement() const;
  const WorkerLevel* measured(std::size_t workers) const;

  AutoSearchOptions options_;
  std::vector<WorkerLevel> levels_;
};

}  // namespace sbench::runner
