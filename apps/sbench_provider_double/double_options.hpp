#pragma once

// The settings of sbench-provider-double, a test double of a paid LLM API
// (docs/PROVIDER_DOUBLE.md). Zero turns a limit off.

#include <cstdint>
#include <string>
#include <vector>

namespace sbench::provider_double {

enum class LatencyDist { kFixed, kUniform, kExponential, kLognormal };

struct DoubleOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  std::vector<std::string> models{"double-model"};
  std::uint64_t seed = 1;

  LatencyDist latency_dist = LatencyDist::kFixed;
  double latency_ms = 50.0;
  // uniform: half-width as a fraction of the mean; lognormal: sigma.
  double latency_spread = 0.2;
  double ms_per_output_token = 0.0;

  std::int64_t rpm = 0;
  std::int64_t tpm = 0;
  double burst_seconds = 1.0;
  std::int64_t daily_quota = 0;
  std::int64_t max_concurrency = 0;
  // Answers worked on at once, like a local server's parallel sequences
  // (OLLAMA_NUM_PARALLEL, llama.cpp -np): later requests wait for a slot
  // instead of getting a 429. 0 = no limit.
  std::int64_t slots = 0;

  double error_rate = 0.0;
  double reset_rate = 0.0;
  double hang_rate = 0.0;
  std::int64_t fail_first = 0;
  // The seed's trap: the first `fast_first` answers come `fast_factor`
  // times sooner than the rest, so a short test overstates the sustained rate.
  std::int64_t fast_first = 0;
  double fast_factor = 10.0;
};

}  // namespace sbench::provider_double
