#include "job/stop_on_signals.hpp"

namespace sbench::runner {
namespace {

std::atomic<bool> g_stop_requested{false};

void request_stop(int) {
  g_stop_requested = true;
}

}  // namespace

StopOnSignals::StopOnSignals() {
  g_stop_requested = false;
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const std::atomic<bool>& StopOnSignals::stop_requested() const {
  return g_stop_requested;
}

}  // namespace sbench::runner
