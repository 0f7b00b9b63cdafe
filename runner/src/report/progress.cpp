#include "report/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace sbench::runner {

std::string duration_text(double seconds) {
  if (seconds < 0 || seconds > 1e7)
    return "?";
  std::ostringstream text;
  // Tenths where they still matter: a run's latency, a short ETA.
  if (seconds < 10) {
    text << std::fixed << std::setprecision(1) << seconds << "s";
    return text.str();
  }
  const long long total = static_cast<long long>(seconds + 0.5);
  if (total >= 3600)
    text << total / 3600 << "h" << std::setw(2) << std::setfill('0') << (total % 3600) / 60 << "m";
  else if (total >= 60)
    text << total / 60 << "m" << std::setw(2) << std::setfill('0') << total % 60 << "s";
  else
    text << total << "s";
  return text.str();
}

Progress::Progress(std::ostream& out, ProgressDisplay style, std::chrono::milliseconds interval)
    : out_(out), interval_(interval) {
  const bool terminal = &out == &std::cerr ? isatty(STDERR_FILENO) : false;
  bar_ = style == ProgressDisplay::bar || (style == ProgressDisplay::automatic && terminal);
  quiet_ = style == ProgressDisplay::quiet;
  if (bar_)
    interval_ = std::chrono::milliseconds(200);
}

Progress::~Progress() {
  finish();
}

void Progress::start(std::size_t total, std::size_t already_done) {
  total_ = total;
  earlier_ = already_done;
  started_ = std::chrono::steady_clock::now();
  if (!quiet_)
    printer_ = std::thread([this] { loop(); });
}

void Progress::ran() {
  ++done_;
}
void Progress::served_from_store(std::size_t count) {
  from_store_ += count;
}
void Progress::failed() {
  ++failed_;
}
void Progress::throttled() {
  ++throttled_;
}

void Progress::note(const std::string& line) {
  if (quiet_)
    return;
  std::lock_guard lock(mutex_);
  out_ << (bar_ ? "\r\033[K" : "") << line << "\n" << std::flush;
}

void Progress::finish() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_)
      return;
    stopping_ = true;
  }
  stop_.notify_all();
  if (printer_.joinable()) {
    printer_.join();
    draw(true);
  }
}

void Progress::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    draw(false);
    lock.lock();
  }
}

void Progress::draw(bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::size_t finished = earlier_ + done();
  const double ran_per_min = elapsed > 0 ? static_cast<double>(done_) * 60 / elapsed : 0;
  const std::size_t left = total_ > finished ? total_ - finished : 0;
  const double eta = ran_per_min > 0 ? static_cast<double>(left) * 60 / ran_per_min : -1;
  const double fraction =
      total_ ? std::min(1.0, static_cast<double>(finished) / static_cast<double>(total_)) : 1;

  std::ostringstream line;
  if (bar_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    line << "\r\033[K[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] ";
  } else {
    line << "progress: ";
  }
  line << finished << "/" << total_ << " (" << static_cast<int>(fraction * 100) << "%)"
       << "  ran " << done_ << "  from store " << from_store_ << "  failed " << failed_
       << "  429/503 " << throttled_ << "  " << std::fixed << std::setprecision(1) << ran_per_min
       << " runs/min  elapsed " << duration_text(elapsed) << "  ETA "
       << (final ? "0s" : duration_text(eta));
  std::lock_guard lock(mutex_);
  out_ << line.str() << (bar_ && !final ? "" : "\n") << std::flush;
}

}  // namespace sbench::runner
