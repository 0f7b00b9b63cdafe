#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "sbench/generation.hpp"

namespace sbench::suites {

double to_ms(std::chrono::nanoseconds duration);
double to_seconds(std::chrono::nanoseconds duration);
double to_mb(double bytes);  // MiB-free decimal megabytes: bytes / 1e6

// The median of a sample; NaN for an empty one, which the reporter writes as
// null with a warning rather than a made-up zero.
double median(std::span<const double> sample);

// TTFT of a streamed generation; throws std::runtime_error when no streamed
// chunk carried a token.
double first_token_ms(const GenerateResult& result);

// TTFT and ITL of streamed generations, pooled over a case's iterations.
struct TokenLatencies {
  std::vector<double> ttft_ms;
  std::vector<double> itl_ms;

  void add(const GenerateResult& result);
  void add(std::span<const GenerateResult> results);
};

}  // namespace sbench::suites
