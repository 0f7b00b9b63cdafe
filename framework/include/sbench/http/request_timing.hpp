#pragma once

#include <chrono>

namespace sbench::http {

// The moments of one request on the steady clock (docs/MEASURING.md,
// "Scheduled send"). A moment the request never reached is left at the
// clock's epoch (time_point{}); the arrival of each event is on the event.
struct RequestTiming {
  using Clock = std::chrono::steady_clock;

  Clock::time_point scheduled{};   // when the caller wanted it sent: latency starts here
  Clock::time_point sent{};        // when the client started writing it (first attempt)
  Clock::time_point first_byte{};  // first response byte of the last attempt
  Clock::time_point done{};        // response complete, or the error

  // Scheduled to done: time queued in the client counts.
  Clock::duration latency() const { return done - scheduled; }
  // How late the client was; docs/MEASURING.md ("Client lag") watches this.
  Clock::duration send_delay() const { return sent - scheduled; }
  bool was_sent() const { return sent != Clock::time_point{}; }
};

}  // namespace sbench::http
