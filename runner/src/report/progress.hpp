#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "sbench/runner/runner.hpp"

namespace sbench::runner {

// "0.2s", "42s", "3m07s", "2h05m"; "?" for a negative or absurd duration.
std::string duration_text(double seconds);

// The running job's counters and their display: a bar that redraws in place
// on a terminal, a plain line every `interval` otherwise (CI logs), nothing
// when quiet. Counters are thread-safe; the scheduler and the store's writer
// both report.
class Progress {
 public:
  Progress(std::ostream& out, ProgressDisplay style, std::chrono::milliseconds interval);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `already_done` runs were finished by an earlier start of the same job.
  void start(std::size_t total, std::size_t already_done);
  void ran();
  void served_from_store(std::size_t count);
  void failed();
  void throttled();
  void note(const std::string& line);
  void finish();

  std::size_t done() const { return done_ + from_store_ + failed_; }

 private:
  void draw(bool final);
  void loop();

  std::ostream& out_;
  bool bar_;
  bool quiet_;
  std::chrono::milliseconds interval_;
  std::size_t total_ = 0;
  std::size_t earlier_ = 0;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::size_t> from_store_{0};
  std::atomic<std::size_t> failed_{0};
  std::atomic<std::size_t> throttled_{0};
  std::chrono::steady_clock::time_point started_{};
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread printer_;
};

}  // namespace sbench::runner
