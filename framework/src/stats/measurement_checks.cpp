#include "sbench/measurement_checks.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <utility>

#include "sbench/stats/client_lag.hpp"

namespace sbench {

std::optional<std::string> MeasurementChecks::token_count_source() const {
  if (streams == 0)
    return std::nullopt;
  return std::string(to_string(estimated_streams > 0 ? stats::TokenCountSource::chunks_estimated
                                                     : stats::TokenCountSource::server));
}

void MeasurementChecks::add(const MeasurementChecks& other) {
  generations += other.generations;
  streams += other.streams;
  estimated_streams += other.estimated_streams;
  usage_mismatches += other.usage_mismatches;
  resumes_timed += other.resumes_timed;
  resumes_without_time_saved += other.resumes_without_time_saved;
  sends += other.sends;
  late_sends += other.late_sends;
  for (const std::string& warning : other.warnings) {
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end())
      warnings.push_back(warning);
  }
}

namespace measurement_log {
namespace {

struct Log {
  std::mutex mutex;
  MeasurementChecks pending;
  // The first example of each failure kind since the last take.
  std::string usage_example;
  std::string resume_example;
  std::vector<std::chrono::nanoseconds> send_delays;
  std::size_t failures = 0;
  std::string last_failure;
};

Log& log() {
  static Log instance;
  return instance;
}

std::string milliseconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

void fail(Log& state, std::string& example, std::string warning) {
  ++state.failures;
  state.last_failure = warning;
  if (example.empty())
    example = std::move(warning);
}

}  // namespace

void record_generation(const stats::TokenTiming& timing, std::chrono::nanoseconds send_delay,
                       const std::string& agent) {
  Log& state = log();
  std::lock_guard lock(state.mutex);
  MeasurementChecks& checks = state.pending;
  ++checks.generations;
  state.send_delays.push_back(send_delay);
  if (!timing.streamed())
    return;
  ++checks.streams;
  if (timing.token_count_source == stats::TokenCountSource::chunks_estimated)
    ++checks.estimated_streams;
  if (!timing.usage_matches_stream()) {
    ++checks.usage_mismatches;
    fail(state, state.usage_example,
         "usage disagrees with the stream" + (agent.empty() ? "" : " of agent " + agent) + ": " +
             std::to_string(timing.streamed_tokens) + " tokens streamed (" +
             std::string(to_string(*timing.token_count_source)) + "), the server's usage says " +
             std::to_string(*timing.usage_tokens));
  }
}

void record_resume(const std::string& agent, std::size_t loaded_tokens, double resume_ms,
                   double cold_ms) {
  Log& state = log();
  std::lock_guard lock(state.mutex);
  ++state.pending.resumes_timed;
  if (resume_ms < kResumeShareOfColdPrefill * cold_ms)
    return;
  ++state.pending.resumes_without_time_saved;
  fail(state, state.resume_example,
       "load claimed, no time saved: agent " + agent + " loaded " + std::to_string(loaded_tokens) +
           " tokens, then took " + milliseconds(resume_ms) + " to its first token, against about " +
           milliseconds(cold_ms) + " for a cold prefill of that context");
}

std::size_t failures() {
  Log& state = log();
  std::lock_guard lock(state.mutex);
  return state.failures;
}

std::string last_failure() {
  Log& state = log();
  std::lock_guard lock(state.mutex);
  return state.last_failure;
}

MeasurementChecks take() {
  Log& state = log();
  std::lock_guard lock(state.mutex);
  MeasurementChecks taken = std::exchange(state.pending, {});
  const auto count_of = [](std::size_t count, std::size_t of) {
    return " (" + std::to_string(count) + " of " + std::to_string(of) + ")";
  };
  if (!state.usage_example.empty())
    taken.warnings.push_back(state.usage_example + count_of(taken.usage_mismatches, taken.streams));
  if (!state.resume_example.empty())
    taken.warnings.push_back(state.resume_example +
                             count_of(taken.resumes_without_time_saved, taken.resumes_timed));
  const stats::ClientLag lag = stats::detect_client_lag(state.send_delays);
  taken.sends = lag.requests;
  taken.late_sends = lag.late;
  if (std::string warning = stats::client_lag_warning(lag); !warning.empty())
    taken.warnings.push_back(std::move(warning));
  state.send_delays.clear();
  state.usage_example.clear();
  state.resume_example.clear();
  return taken;
}

}  // namespace measurement_log
}  // namespace sbench
