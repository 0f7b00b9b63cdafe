#include "schedule/rate_governor.hpp"

#include <algorithm>
#include <cmath>

namespace sbench::runner {
namespace {

// With no configured concurrency the window starts here and doubles per
// round trip until the first throttle (TCP's slow start).
constexpr double kInitialUnknownWindow = 4;
constexpr double kUnknownCap = 1024;
constexpr std::chrono::milliseconds kDefaultThrottleWait{1'000};

std::string ms_text(std::chrono::milliseconds wait) {
  return std::to_string(wait.count()) + " ms";
}

}  // namespace

TokenBucket::TokenBucket(double per_minute, double burst_seconds, Clock::time_point now,
                         std::optional<double> level)
    : rate_(per_minute / 60), burst_seconds_(burst_seconds), updated_(now) {
  capacity_ = std::max(1.0, rate_ * burst_seconds_);
  level_ = std::clamp(level.value_or(capacity_), 0.0, capacity_);
}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= updated_)
    return;
  level_ =
      std::min(capacity_, level_ + rate_ * std::chrono::duration<double>(now - updated_).count());
  updated_ = now;
}

double TokenBucket::needed(double amount) const {
  return std::min(amount, capacity_);
}

bool TokenBucket::can_take(double amount, Clock::time_point now) {
  if (!limited())
    return true;
  refill(now);
  return level_ >= needed(amount) - 1e-9;
}

void TokenBucket::take(double amount, Clock::time_point now) {
  if (!limited())
    return;
  refill(now);
  level_ -= amount;  // may go below zero for a request bigger than the bucket
}

void TokenBucket::give_back(double amount, Clock::time_point now) {
  if (!limited())
    return;
  refill(now);
  level_ = std::min(capacity_, level_ + amount);
}

void TokenBucket::empty(Clock::time_point now) {
  refill(now);
  level_ = std::min(level_, 0.0);
}

TokenBucket::Clock::time_point TokenBucket::available_at(double amount, Clock::time_point now) {
  refill(now);
  const double missing = needed(amount) - level_;
  if (missing <= 0)
    return now;
  return now + std::chrono::duration_cast<Clock::duration>(
                   std::chrono::duration<double>(missing / rate_));
}

RateGovernor::RateGovernor(const ProviderLimits& limits, Clock::time_point now, Recorder record)
    : limits_(limits), record_(std::move(record)) {
  const bool known = limits.max_concurrency > 0;
  cap_ = known ? static_cast<double>(limits.max_concurrency) : kUnknownCap;
  // A configured concurrency is the user's word for what the provider takes:
  // start there. Without one, probe upwards.
  window_ = known ? cap_ : kInitialUnknownWindow;
  slow_start_threshold_ = cap_;
  if (limits.rpm > 0)
    requests_ = TokenBucket(limits.rpm, limits.burst_seconds, now);
  if (limits.tpm > 0)
    tokens_ = TokenBucket(limits.tpm, limits.burst_seconds, now);
  last_recorded_window_ = static_cast<std::size_t>(window_);
}

void RateGovernor::record(std::string event, std::string detail) {
  if (record_)
    record_(std::move(event), window_, std::move(detail));
}

RateGovernor::Admission RateGovernor::admit(double tokens, Clock::time_point now) {
  if (now < paused_until_)
    return {false, paused_until_};
  if (static_cast<double>(in_flight_) + 1 > std::floor(window_) + 1e-9)
    return {false, std::nullopt};
  if (!requests_.can_take(1, now))
    return {false, requests_.available_at(1, now)};
  if (!tokens_.can_take(tokens, now))
    return {false, tokens_.available_at(tokens, now)};
  requests_.take(1, now);
  tokens_.take(tokens, now);
  if (in_flight_ == 0)
    serving_since_ = now;
  ++in_flight_;
  return {true, std::nullopt};
}

void RateGovernor::finished(Clock::time_point now) {
  if (in_flight_ > 0 && --in_flight_ == 0)
    serving_total_ += now - serving_since_;
}

void RateGovernor::succeeded(double charged_tokens, std::optional<double> used_tokens,
                             const RateLimitHeaders& headers, Clock::time_point now) {
  finished(now);
  // The charge was an estimate; the usage the server reports is the truth.
  if (used_tokens && *used_tokens < charged_tokens)
    tokens_.give_back(charged_tokens - *used_tokens, now);
  else if (used_tokens && *used_tokens > charged_tokens)
    tokens_.take(*used_tokens - charged_tokens, now);
  follow_headers(headers, now);
  if (now < paused_until_)
    return;
  window_ = std::min(cap_, window_ < slow_start_threshold_ ? window_ + 1 : window_ + 1 / window_);
  if (static_cast<std::size_t>(window_) != last_recorded_window_) {
    last_recorded_window_ = static_cast<std::size_t>(window_);
    record("increase", "answers keep coming");
  }
}

void RateGovernor::throttled(std::optional<std::chrono::milliseconds> retry_after,
                             const RateLimitHeaders& headers, Clock::time_point sent,
                             Clock::time_point now) {
  finished(now);
  // A throttle the rate counters explain means the buckets ran a little
  // ahead of the provider's: they are synced, and the concurrency is not to
  // blame. Any other throttle (a concurrency cap, an overloaded server) is
  // congestion, and the window halves.
  const bool explained_by_rate = follow_headers(headers, now);
  const std::chrono::milliseconds wait = retry_after.value_or(kDefaultThrottleWait);
  if (!explained_by_rate)
    decrease(sent, now, "throttled; retry after " + ms_text(wait));
  pause_for(wait, now, "throttled");
}

void RateGovernor::failed(bool timed_out, Clock::time_point sent, Clock::time_point now) {
  finished(now);
  if (timed_out)
    decrease(sent, now, "timed out");
}

void RateGovernor::decrease(Clock::time_point sent, Clock::time_point now, const std::string& why) {
  if (sent <= last_decrease_)
    return;
  slow_start_threshold_ = std::max(1.0, std::floor(window_ / 2));
  window_ = slow_start_threshold_;
  last_decrease_ = now;
  last_recorded_window_ = static_cast<std::size_t>(window_);
  record("decrease", why);
}

void RateGovernor::pause_for(std::chrono::milliseconds wait, Clock::time_point now,
                             const std::string& why) {
  const Clock::time_point until = now + wait;
  if (until <= paused_until_)
    return;
  // Overlapping pauses count once.
  backoff_total_ += until - std::max(now, paused_until_);
  paused_until_ = until;
  record("pause", why + " for " + ms_text(wait));
}

bool RateGovernor::follow_headers(const RateLimitHeaders& headers, Clock::time_point now) {
  // A provider that states a lower limit than the runner file knows better.
  if (headers.limit_requests && *headers.limit_requests > 0 &&
      (limits_.rpm == 0 || *headers.limit_requests < limits_.rpm)) {
    limits_.rpm = *headers.limit_requests;
    requests_ = TokenBucket(limits_.rpm, limits_.burst_seconds, now, headers.remaining_requests);
    record("adopt_rpm", "x-ratelimit-limit-requests " + std::to_string(limits_.rpm));
  }
  if (headers.limit_tokens && *headers.limit_tokens > 0 &&
      (limits_.tpm == 0 || *headers.limit_tokens < limits_.tpm)) {
    limits_.tpm = *headers.limit_tokens;
    tokens_ = TokenBucket(limits_.tpm, limits_.burst_seconds, now, headers.remaining_tokens);
    record("adopt_tpm", "x-ratelimit-limit-tokens " + std::to_string(limits_.tpm));
  }
  const bool requests_out =
      exhausted(requests_, headers.remaining_requests, headers.reset_requests, "requests", now);
  const bool tokens_out =
      exhausted(tokens_, headers.remaining_tokens, headers.reset_tokens, "tokens", now);
  return requests_out || tokens_out;
}

bool RateGovernor::exhausted(TokenBucket& bucket, std::optional<double> remaining,
                             std::optional<std::chrono::milliseconds> reset, const char* what,
                             Clock::time_point now) {
  if (!remaining || *remaining > 0)
    return false;
  // With a bucket of our own, an empty counter empties it and the bucket
  // waits for the next unit; the reset time is when the provider's bucket is
  // full again, far longer than that. Without one, the reset is all we know.
  if (bucket.limited())
    bucket.empty(now);
  else if (reset)
    pause_for(*reset, now, std::string("x-ratelimit-remaining-") + what + " is 0");
  return true;
}

RateGovernor::Clock::duration RateGovernor::backoff_time(Clock::time_point now) const {
  // A pause still running counts only up to now.
  if (paused_until_ > now)
    return backoff_total_ - (paused_until_ - now);
  return backoff_total_;
}

RateGovernor::Clock::duration RateGovernor::serving_time(Clock::time_point now) const {
  return serving_total_ + (in_flight_ > 0 ? now - serving_since_ : Clock::duration{});
}

}  // namespace sbench::runner
