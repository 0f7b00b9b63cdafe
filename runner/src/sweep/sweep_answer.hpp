#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::runner {

// A level with more failed requests than this is not a candidate to recommend.
inline constexpr double kMaxEligibleErrorRate = 0.05;

// One measured level of the worker axis; for a grid, the point with the most
// requests at that worker count.
struct WorkerLevel {
  std::size_t workers = 0;
  bool found = false;                        // a sustained rate was found
  double rate = 0, ci_low = 0, ci_high = 0;  // sustained requests/s
  double latency_p50_ms = 0, latency_p95_ms = 0;
  double error_rate = 0;
  double server_concurrency = 0;  // answers streamed at once; 0: not streamed
};

// Has a sustained rate and at most kMaxEligibleErrorRate errors.
bool recommendable(const WorkerLevel& level);

struct Recommendation {
  bool found = false;
  std::size_t workers = 0;
  double rate = 0, ci_low = 0, ci_high = 0;
  double best_rate = 0;
  std::size_t best_workers = 0;
  std::string reason;  // a sentence with the numbers, or why there is no recommendation
};

// The fewest workers whose sustained rate is at least (1 - tolerance) times
// the best; levels without a rate or with more than kMaxEligibleErrorRate
// errors are left out.
Recommendation recommend_workers(std::span<const WorkerLevel> levels, double tolerance = 0.05);

// The time `requests` take at `rate`, with the band the rate's interval
// gives: low_seconds at ci_high, high_seconds at ci_low. When ci_low <= 0 the
// band has no upper end: bounded is false and high_seconds is infinite, as is
// seconds when rate <= 0.
struct Eta {
  double requests = 0;
  double seconds = 0, low_seconds = 0, high_seconds = 0;
  bool bounded = true;
};

Eta estimate_eta(double requests, double rate, double ci_low, double ci_high);

// What more workers do to the sustained rate.
enum class WorkerEffect { help, saturate, hurt, unknown };

std::string_view to_string(WorkerEffect effect);

struct Diagnosis {
  WorkerEffect effect = WorkerEffect::unknown;
  // The server answers one request at a time (server parallelism ≈ 1).
  bool serialized_server = false;
  std::string summary;                         // one or two plain sentences with the numbers
  std::vector<std::string> settings_to_check;  // the servers' parallelism settings, when serialized
};

Diagnosis diagnose(std::span<const WorkerLevel> levels);

}  // namespace sbench::runner
