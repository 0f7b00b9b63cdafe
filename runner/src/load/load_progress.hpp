#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

#include "sbench/runner/runner.hpp"

namespace sbench::runner {

struct LoadProgressLine {
  std::string label;  // what is running: "point 3/15", "job 2"
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failed = 0;
  std::size_t in_flight = 0;
  double elapsed_s = 0;
  std::optional<double> sustained_per_s;  // once a steady state is found
  std::optional<double> eta_s;
};

// Progress of a load (a sweep point, a batch job): redrawn in place about
// once a second on a terminal, a plain line every `interval` otherwise (CI
// logs), nothing when quiet.
class LoadProgress {
 public:
  LoadProgress(std::ostream& out, ProgressDisplay style, std::chrono::milliseconds interval);

  // Whether update() would print now: a caller can skip working out a line
  // (a sustained rate over thousands of answers) that nobody would see.
  bool due() const;
  void update(const LoadProgressLine& line);
  // Ends a bar's line so that what is printed next starts on its own.
  void finish();

 private:
  std::ostream& out_;
  bool bar_ = false;
  bool quiet_ = false;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_printed_{};
  bool drawn_ = false;
};

}  // namespace sbench::runner
