#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "config/runner_config.hpp"
#include "providers/provider.hpp"

namespace sbench::runner {

// A token bucket: `rate` per second, at most `capacity` saved up.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket() = default;  // unlimited
  // Starts full, or at `level` when the provider said how much is left.
  TokenBucket(double per_minute, double burst_seconds, Clock::time_point now,
              std::optional<double> level = std::nullopt);

  bool limited() const { return rate_ > 0; }
  double rate_per_minute() const { return rate_ * 60; }
  // A request bigger than the bucket may go when the bucket is full, so that
  // one large request cannot wait forever.
  bool can_take(double amount, Clock::time_point now);
  void take(double amount, Clock::time_point now);
  void give_back(double amount, Clock::time_point now);
  // The provider says nothing is left: start saving up from zero.
  void empty(Clock::time_point now);
  // When `amount` will be available.
  Clock::time_point available_at(double amount, Clock::time_point now);

 private:
  void refill(Clock::time_point now);
  double needed(double amount) const;

  double rate_ = 0;  // per second; 0: unlimited
  double burst_seconds_ = 1;
  double capacity_ = 0;
  double level_ = 0;
  Clock::time_point updated_{};
};

// One provider's limits as the runner keeps them (docs/RUNNER.md, "Rate
// governor"): a concurrency window that grows while answers come back and
// halves on 429/503 (AIMD, with a slow start), RPM and TPM token buckets,
// and pauses for Retry-After and exhausted x-ratelimit counters. Not
// thread-safe: the scheduler's thread owns it.
class RateGovernor {
 public:
  using Clock = std::chrono::steady_clock;
  // What the limit history records: the event, the window after it, why.
  using Recorder = std::function<void(std::string event, double window, std::string detail)>;

  RateGovernor(const ProviderLimits& limits, Clock::time_point now, Recorder record);

  // Whether a request charged `tokens` may start now (and if so, counts it
  // as started); otherwise when to ask again, or nullopt when only a
  // finishing request can make room.
  struct Admission {
    bool admitted = false;
    std::optional<Clock::time_point> retry_at;
  };
  Admission admit(double tokens, Clock::time_point now);

  void succeeded(double charged_tokens, std::optional<double> used_tokens,
                 const RateLimitHeaders& headers, Clock::time_point now);
  // 429 or 503: pause for Retry-After (or a default back-off); unless the
  // rate counters explain it, halve the window, once per congestion episode.
  // `sent`: when the throttled request was sent; only requests sent after
  // the last decrease can start a new congestion episode.
  void throttled(std::optional<std::chrono::milliseconds> retry_after,
                 const RateLimitHeaders& headers, Clock::time_point sent, Clock::time_point now);
  // A timeout is congestion too (a server that queues instead of answering
  // 429): the window halves as for a throttle, without a pause.
  void failed(bool timed_out, Clock::time_point sent, Clock::time_point now);

  double window() const { return window_; }
  std::size_t in_flight() const { return in_flight_; }
  Clock::time_point paused_until() const { return paused_until_; }
  // Time spent paused by the provider, and time with requests in flight.
  Clock::duration backoff_time(Clock::time_point now) const;
  Clock::duration serving_time(Clock::time_point now) const;

 private:
  void finished(Clock::time_point now);
  void decrease(Clock::time_point sent, Clock::time_point now, const std::string& why);
  void pause_for(std::chrono::milliseconds wait, Clock::time_point now, const std::string& why);
  // Adopts stated limits and syncs to exhausted counters; true when a counter
  // was exhausted.
  bool follow_headers(const RateLimitHeaders& headers, Clock::time_point now);
  bool exhausted(TokenBucket& bucket, std::optional<double> remaining,
                 std::optional<std::chrono::milliseconds> reset, const char* what,
                 Clock::time_point now);
  void record(std::string event, std::string detail);

  ProviderLimits limits_;
  Recorder record_;
  double cap_;
  double window_;
  double slow_start_threshold_;
  std::size_t in_flight_ = 0;
  TokenBucket requests_;
  TokenBucket tokens_;
  Clock::time_point paused_until_{};
  // Throttles of requests sent before the last decrease belong to its
  // episode and must not halve the window again.
  Clock::time_point last_decrease_{};
  Clock::duration backoff_total_{};  // counted to paused_until_, which may be ahead
  Clock::duration serving_total_{};
  Clock::time_point serving_since_{};
  std::size_t last_recorded_window_ = 0;
};

}  // namespace sbench::runner
