#pragma once

// The provider the double imitates: which completion requests it refuses,
// how long the others take, which faults it injects, and what it counts.
// It does no I/O; double_server.cpp carries its decisions out.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "double_options.hpp"
#include "openai_format.hpp"
#include "rate_limits.hpp"

namespace sbench::provider_double {

// What becomes of a request once its latency is over.
enum class Fate { kReply, kReset, kHang };

// A successful answer's share of the stats, counted once it is delivered.
struct Usage {
  std::string model;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

// Made when the request arrives: limits are checked then, before the latency.
struct Decision {
  Reply reply;  // sent after `latency` when the fate is kReply
  Fate fate = Fate::kReply;
  Clock::duration latency{};
  std::optional<Usage> usage;  // for a successful completion only
};

class SimulatedProvider {
 public:
  explicit SimulatedProvider(const DoubleOptions& options);

  // Bracket every request the stats count (all but their own), from its
  // arrival until its answer is ready, so concurrency is measured and capped.
  void request_started();
  void request_ended();

  Decision decide(Endpoint endpoint, std::string_view body);
  void delivered(const Usage& usage);

  Reply models() const;
  Reply stats() const;

 private:
  struct Counters {
    std::int64_t requests = 0;
    std::int64_t completed = 0;
    std::int64_t rate_limited = 0;
    std::int64_t quota_exhausted = 0;
    std::int64_t injected_500 = 0;
    std::int64_t injected_503 = 0;
    std::int64_t injected_resets = 0;
    std::int64_t injected_hangs = 0;
    std::int64_t in_flight = 0;
    std::int64_t max_in_flight = 0;
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
  };

  Decision admit(Endpoint endpoint, std::string_view body, Clock::time_point now);
  Decision answer(Endpoint endpoint, const CompletionRequest& request);
  Clock::duration draw_latency(std::int64_t completion_tokens);

  const DoubleOptions options_;
  const std::int64_t started_unix_;
  std::mt19937_64 random_;
  RateLimits limits_;
  DailyQuota quota_;
  std::int64_t warm_up_left_;
  std::int64_t answers_drawn_ = 0;  // for --fast-first
  std::int64_t next_id_ = 1;
  Counters counters_;
  // Holds every served model, so it also answers whether a model is served.
  std::map<std::string, std::int64_t> completed_per_model_;
};

}  // namespace sbench::provider_double
