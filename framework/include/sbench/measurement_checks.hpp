#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sbench/stats/token_timing.hpp"

namespace sbench {

// What the generations of one case showed about how far its numbers can be
// trusted (docs/MEASURING.md, "Cross-checks"): counted as they happen, and
// written beside the case's results.
struct MeasurementChecks {
  std::size_t generations = 0;        // answered generations
  std::size_t streams = 0;            // of them streamed
  std::size_t estimated_streams = 0;  // streams whose chunk counts were estimated
  std::size_t usage_mismatches = 0;   // streams more than 1 token from their usage
  std::size_t resumes_timed = 0;  // first generations after a load, timed against a cold prefill
  std::size_t resumes_without_time_saved = 0;
  std::size_t sends = 0;       // generation requests sent
  std::size_t late_sends = 0;  // of them sent late (stats::ClientLagLimits)
  // One line per failed cross-check kind, with its first example.
  std::vector<std::string> warnings;

  // "server", "chunks (estimated)" (when any stream's counts were), or
  // nullopt when nothing was streamed.
  std::optional<std::string> token_count_source() const;
  // A cross-check failed: a count or a reuse claim is wrong. run.strict
  // makes that a case error. Client lag alone does not count: it marks the
  // harness, not the server.
  bool failed() const { return usage_mismatches > 0 || resumes_without_time_saved > 0; }
  void add(const MeasurementChecks& other);
};

// The checks of the case that is running, for the process: the backends
// add to them, and the suite takes them when it reports the case's runs.
// Thread-safe.
namespace measurement_log {

// One answered generation, with how late the client sent it
// (http::RequestTiming::send_delay()).
void record_generation(const stats::TokenTiming& timing, std::chrono::nanoseconds send_delay,
                       const std::string& agent);
// The first generation after a load of `loaded_tokens` took `resume_ms` to
// its first token where a cold prefill of that context takes about `cold_ms`.
void record_resume(const std::string& agent, std::size_t loaded_tokens, double resume_ms,
                   double cold_ms);
// How many failed cross-checks were recorded since the process started.
std::size_t failures();
// The most recent failure's warning line; empty if none.
std::string last_failure();
// Everything recorded since the last take, cleared.
MeasurementChecks take();

}  // namespace measurement_log

// A resume saved time when its first token came in under this share of a
// cold prefill of the same context.
inline constexpr double kResumeShareOfColdPrefill = 0.5;

}  // namespace sbench
