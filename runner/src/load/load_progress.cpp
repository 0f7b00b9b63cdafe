#include "load/load_progress.hpp"

#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "report/progress.hpp"

namespace sbench::runner {

LoadProgress::LoadProgress(std::ostream& out, ProgressDisplay style,
                           std::chrono::milliseconds interval)
    : out_(out), interval_(interval) {
  const bool terminal = &out == &std::cerr && isatty(STDERR_FILENO);
  bar_ = style == ProgressDisplay::bar || (style == ProgressDisplay::automatic && terminal);
  quiet_ = style == ProgressDisplay::quiet;
}

bool LoadProgress::due() const {
  return !quiet_ && (bar_ || std::chrono::steady_clock::now() - last_printed_ >= interval_);
}

void LoadProgress::update(const LoadProgressLine& line) {
  if (!due())
    return;
  last_printed_ = std::chrono::steady_clock::now();
  const double fraction =
      line.total ? std::min(1.0, static_cast<double>(line.done) / static_cast<double>(line.total))
                 : 1.0;
  std::ostringstream text;
  text << (bar_ ? "\r\033[K" : "") << line.label << ": ";
  if (bar_) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    text << "[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] ";
  }
  text << line.done << "/" << line.total << " (" << static_cast<int>(fraction * 100) << "%)"
       << "  failed " << line.failed << "  in flight " << line.in_flight << "  elapsed "
       << duration_text(line.elapsed_s) << std::fixed << std::setprecision(2);
  if (line.sustained_per_s)
    text << "  sustained " << *line.sustained_per_s << " req/s";
  if (line.eta_s)
    text << "  ETA " << duration_text(*line.eta_s);
  out_ << text.str() << (bar_ ? "" : "\n") << std::flush;
  drawn_ = true;
}

void LoadProgress::finish() {
  if (bar_ && drawn_)
    out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace sbench::runner
