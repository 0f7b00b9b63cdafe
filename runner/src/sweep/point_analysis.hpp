#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "load/request_record.hpp"

namespace sbench::runner {

struct AnalysisOptions {
  // The burst rate is over the first this-many successful completions.
  std::size_t burst_requests = 20;
  // Of the sustained rate's interval.
  double confidence = 0.95;
};

// Milliseconds.
struct LatencySummary {
  std::size_t n = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0;
};

// The rate a load holds once warm-up is over and before it drains; see the
// method in point_analysis.cpp. Times are seconds after the first scheduled send.
struct SustainedRate {
  bool found = false;
  std::string reason;  // why it was not found, and what to do about it
  double begin_s = 0, end_s = 0;
  double warmup_s = 0;  // trimmed at the start; equals begin_s
  double requests_per_s = 0, tokens_per_s = 0;
  double ci_low = 0, ci_high = 0;  // for requests_per_s
  double relative_half_width = 0;  // (ci_high - ci_low) / 2 / requests_per_s
  // Least-squares slope of the binned rate in the window, as a fraction of
  // its mean per minute: -0.1 falls 10 % a minute.
  double drift_per_minute = 0;
  double cv = 0;  // of the binned rates in the window
  std::size_t bins = 0;
};

struct BurstRate {
  std::size_t requests = 0;
  double seconds = 0;
  double requests_per_s = 0;
};

struct RatePoint {
  double t_s = 0;  // the middle of the stretch the rate is over
  double requests_per_s = 0;
};

struct PointMetrics {
  std::size_t requests = 0, succeeded = 0, failed = 0;
  double error_rate = 0;
  std::map<std::string, std::size_t> errors;  // by error_kind
  double duration_s = 0;                      // first scheduled send to last completion
  // succeeded / duration_s: warm-up, burst and drain included, shown for contrast.
  double overall_requests_per_s = 0;
  SustainedRate sustained;
  BurstRate burst;
  // End to end and time to first token both count from `scheduled`; inter-token
  // latency pools the gaps between successive token_times of every streamed answer.
  LatencySummary latency_ms, ttft_ms, itl_ms;
  double mean_completion_tokens = 0;
  // How many answers the server streamed at once, on average while it streamed
  // any (1.0: one request at a time); 0 when no answer was streamed.
  double server_concurrency = 0;
  std::vector<RatePoint> timeline;  // at most 100 points over the whole run, for a plot
};

PointMetrics analyze_point(std::span<const RequestRecord> records,
                           const AnalysisOptions& options = {});

// The sustained rate alone, for a driver that stops a point once the
// interval is tight enough. `confidence` is in (0, 1).
SustainedRate find_sustained_rate(std::span<const RequestRecord> records, double confidence = 0.95);

}  // namespace sbench::runner
