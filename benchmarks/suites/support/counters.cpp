#include "suite_support/counters.hpp"

#include <limits>
#include <stdexcept>

#include "sbench/stats/summary.hpp"

namespace sbench::suites {

double to_ms(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

double to_seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

double to_mb(double bytes) {
  return bytes / 1e6;
}

double median(std::span<const double> sample) {
  if (sample.empty())
    return std::numeric_limits<double>::quiet_NaN();
  return stats::summarize(sample).median;
}

double first_token_ms(const GenerateResult& result) {
  if (!result.token_timing.time_to_first_token)
    throw std::runtime_error("a streamed generation carried no token, so it has no TTFT");
  return to_ms(*result.token_timing.time_to_first_token);
}

void TokenLatencies::add(const GenerateResult& result) {
  const stats::TokenTiming& timing = result.token_timing;
  if (timing.time_to_first_token)
    ttft_ms.push_back(to_ms(*timing.time_to_first_token));
  for (const std::chrono::nanoseconds gap : timing.inter_token_latencies)
    itl_ms.push_back(to_ms(gap));
}

void TokenLatencies::add(std::span<const GenerateResult> results) {
  for (const GenerateResult& result : results)
    add(result);
}

}  // namespace sbench::suites
