#pragma once

// The limits a paid provider puts on one API key: requests and tokens per
// minute, and a quota of answers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sbench::provider_double {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Refilled continuously at per_minute / 60 a second up to `capacity`: a
// provider smooths its per-minute limits this way rather than granting a
// whole minute's worth at the top of each minute.
class TokenBucket {
 public:
  TokenBucket(double per_minute, double capacity, Clock::time_point now);

  void refill(Clock::time_point now);
  // Zero when `amount` may be taken now. A charge over the capacity only
  // needs a full bucket: one request larger than the burst can still pass,
  // and the level it drives below zero makes the next ones wait for it.
  Clock::duration wait_for(double amount) const;
  void take(double amount);

  double remaining() const;
  Clock::duration until_full() const;

 private:
  double per_second_;
  double capacity_;
  double level_;
  Clock::time_point updated_;
};

enum class LimitKind { kRequests, kTokens };

struct Refusal {
  LimitKind kind;
  std::int64_t per_minute;
  double requested;
  Clock::duration retry_after;
};

class RateLimits {
 public:
  // 0 turns a limit off. A bucket holds burst_seconds of its rate.
  RateLimits(std::int64_t rpm, std::int64_t tpm, double burst_seconds, Clock::time_point now);

  // Charges one request of `tokens` when both limits allow it at `now`. A
  // refused request charges neither, the way a provider does not bill it.
  std::optional<Refusal> admit(double tokens, Clock::time_point now);

  // OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}, for the
  // limits that are set.
  void add_headers(Headers& headers, Clock::time_point now);

 private:
  struct Limit {
    std::int64_t per_minute;
    TokenBucket bucket;
  };

  std::optional<Limit> requests_;
  std::optional<Limit> tokens_;
};

// Answers allowed for the life of the process (a test never lasts a day). A
// request is counted when it is sure to be answered, not when the answer is
// written, so that with many requests in flight exactly `limit` succeed.
class DailyQuota {
 public:
  explicit DailyQuota(std::int64_t limit) : limit_(limit) {}

  bool exhausted() const { return limit_ > 0 && used_ >= limit_; }
  void use() { ++used_; }

 private:
  std::int64_t limit_;
  std::int64_t used_ = 0;
};

// A duration the way OpenAI's reset headers write it: 20ms, 1s, 1.5s, 6m0s.
std::string format_reset(Clock::duration duration);

// Rounded up, so that a client waiting this long finds the capacity there.
std::int64_t ceil_milliseconds(Clock::duration duration);
std::int64_t ceil_seconds(Clock::duration duration);

}  // namespace sbench::provider_double
