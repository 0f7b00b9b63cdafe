#pragma once

#include <atomic>
#include <chrono>
#include <csignal>

namespace sbench::runner {

// Exit code of a job stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
inline constexpr int kExitInterrupted = 130;

// After a stop, answers already on their way are worth this long a wait;
// any still out then are abandoned (a resumed job sends them again).
inline constexpr std::chrono::milliseconds kStopGrace{5'000};

// While alive, SIGINT and SIGTERM only set a flag: a job stops sending, keeps
// what finished (it is committed already) and the next start resumes it.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  const std::atomic<bool>& stop_requested() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace sbench::runner
