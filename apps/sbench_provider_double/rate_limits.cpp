#include "rate_limits.hpp"

#include <algorithm>

namespace sbench::provider_double {
namespace {

using Seconds = std::chrono::duration<double>;

// A client told to retry in N ms comes back after exactly N ms, when the
// refill may fall a rounding error short of what it needs: that counts as enough.
constexpr double kRelativeSlack = 1e-9;

// A tiny limit and a huge request can need a wait longer than the 292 years
// steady_clock's nanoseconds hold; a year says "never" just as well.
constexpr double kLongestWaitSeconds = 365.0 * 24 * 3600;

Clock::duration ceil_duration(double seconds) {
  return std::chrono::ceil<Clock::duration>(Seconds(std::min(seconds, kLongestWaitSeconds)));
}

}  // namespace

TokenBucket::TokenBucket(double per_minute, double capacity, Clock::time_point now)
    : per_second_(per_minute / 60.0), capacity_(capacity), level_(capacity), updated_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  level_ = std::min(capacity_, level_ + per_second_ * Seconds(now - updated_).count());
  updated_ = now;
}

Clock::duration TokenBucket::wait_for(double amount) const {
  const double missing = std::min(amount, capacity_) - level_;
  if (missing <= kRelativeSlack * std::max(1.0, capacity_))
    return Clock::duration::zero();
  return ceil_duration(missing / per_second_);
}

void TokenBucket::take(double amount) {
  level_ -= amount;
}

double TokenBucket::remaining() const {
  return std::max(0.0, level_);
}

Clock::duration TokenBucket::until_full() const {
  if (level_ >= capacity_)
    return Clock::duration::zero();
  return ceil_duration((capacity_ - level_) / per_second_);
}

RateLimits::RateLimits(std::int64_t rpm, std::int64_t tpm, double burst_seconds,
                       Clock::time_point now) {
  const auto burst = [burst_seconds](std::int64_t per_minute) {
    return static_cast<double>(per_minute) / 60.0 * burst_seconds;
  };
  // With a small rate a burst would hold less than one request and nothing
  // could ever pass.
  if (rpm > 0)
    requests_.emplace(
        Limit{rpm, TokenBucket(static_cast<double>(rpm), std::max(1.0, burst(rpm)), now)});
  if (tpm > 0)
    tokens_.emplace(Limit{tpm, TokenBucket(static_cast<double>(tpm), burst(tpm), now)});
}

std::optional<Refusal> RateLimits::admit(double tokens, Clock::time_point now) {
  std::optional<Refusal> refusal;
  const auto check = [&](std::optional<Limit>& limit, LimitKind kind, double amount) {
    if (!limit)
      return;
    limit->bucket.refill(now);
    const Clock::duration wait = limit->bucket.wait_for(amount);
    if (wait == Clock::duration::zero())
      return;
    // Names the first limit hit, but the retry time is when both allow it.
    if (refusal)
      refusal->retry_after = std::max(refusal->retry_after, wait);
    else
      refusal = Refusal{kind, limit->per_minute, amount, wait};
  };
  check(requests_, LimitKind::kRequests, 1.0);
  check(tokens_, LimitKind::kTokens, tokens);
  if (refusal)
    return refusal;
  if (requests_)
    requests_->bucket.take(1.0);
  if (tokens_)
    tokens_->bucket.take(tokens);
  return std::nullopt;
}

void RateLimits::add_headers(Headers& headers, Clock::time_point now) {
  const auto add = [&](std::optional<Limit>& limit, const std::string& what) {
    if (!limit)
      return;
    limit->bucket.refill(now);
    const auto remaining = static_cast<std::int64_t>(limit->bucket.remaining());
    headers.emplace_back("x-ratelimit-limit-" + what, std::to_string(limit->per_minute));
    headers.emplace_back("x-ratelimit-remaining-" + what, std::to_string(remaining));
    headers.emplace_back("x-ratelimit-reset-" + what, format_reset(limit->bucket.until_full()));
  };
  add(requests_, "requests");
  add(tokens_, "tokens");
}

std::string format_reset(Clock::duration duration) {
  const std::int64_t ms = ceil_milliseconds(duration);
  if (ms == 0)
    return "0s";
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  const std::int64_t hours = ms / 3'600'000;
  const std::int64_t minutes = ms / 60'000 % 60;
  std::string text;
  if (hours > 0)
    text += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0)
    text += std::to_string(minutes) + "m";
  text += std::to_string(ms / 1000 % 60);
  if (const std::int64_t millis = ms % 1000; millis > 0) {
    std::string fraction = std::to_string(1000 + millis).substr(1);
    while (fraction.back() == '0')
      fraction.pop_back();
    text += '.' + fraction;
  }
  return text + 's';
}

std::int64_t ceil_milliseconds(Clock::duration duration) {
  return std::chrono::ceil<std::chrono::milliseconds>(duration).count();
}

std::int64_t ceil_seconds(Clock::duration duration) {
  return std::chrono::ceil<std::chrono::seconds>(duration).count();
}

}  // namespace sbench::provider_double
