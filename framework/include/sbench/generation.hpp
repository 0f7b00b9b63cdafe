#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "sbench/http/request_timing.hpp"
#include "sbench/stats/token_timing.hpp"

namespace sbench {

// A prompt of exactly this many tokens, for exact prompt lengths in
// benchmarks. Backends whose API takes only text send that many short words
// instead; the usage then says how many tokens it really was.
struct PromptTokens {
  int count = 0;
};

using Prompt = std::variant<std::string, PromptTokens>;

struct GenerateRequest {
  std::string agent;  // empty: a stateless completion
  Prompt prompt;      // appended to the agent's context
  int max_tokens = 16;
  bool stream = false;
  bool ignore_eos = true;  // benchmarks want exactly max_tokens
  double temperature = 0;
  std::uint64_t seed = 0;
  // Latency starts here (docs/MEASURING.md, "Scheduled send"); the epoch means "now".
  std::chrono::steady_clock::time_point scheduled{};
  // Bounds both the silence before the first byte and the whole answer; a
  // long prompt's prefill sends nothing for a long time. 0: the HTTP
  // client's defaults (30 s of silence, 120 s in all).
  std::chrono::milliseconds timeout{0};
};

// Token counts as the server reports them (docs/MEASURING.md, "Token counts"), never chunk counts.
struct TokenUsage {
  std::size_t prompt_tokens = 0;
  std::size_t completion_tokens = 0;
  // Prompt and context tokens reused from the KV cache; unset when the server
  // does not say.
  std::optional<std::size_t> cached_tokens;
};

// What the server says it spent, when it says.
struct ServerTimings {
  std::optional<double> queue_ms;
  std::optional<double> prompt_ms;      // prefill
  std::optional<std::size_t> prompt_n;  // prompt tokens actually computed
  std::optional<double> predicted_ms;   // decode
  std::optional<std::size_t> predicted_n;
  std::optional<double> predicted_per_second;
};

struct [[nodiscard]] GenerateResult {
  std::string text;
  std::optional<TokenUsage> usage;
  // TTFT and ITL for streamed requests; for the others only total and tokens.
  stats::TokenTiming token_timing;
  http::RequestTiming request_timing;
  ServerTimings server_timings;
  std::string error;  // empty on success

  bool ok() const { return error.empty(); }
};

}  // namespace sbench
