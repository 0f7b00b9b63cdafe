#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace sbench::stats {

// One streamed chunk (an SSE event) and how many generated tokens it carries:
// the backend decides (a llama.cpp chunk may carry several, a role or usage
// chunk none).
struct TokenChunk {
  std::chrono::steady_clock::time_point arrived;
  std::size_t tokens = 0;
};

// Token latencies of one streamed generation (DESIGN rules 2-4).
struct TokenTiming {
  // Scheduled send to the first chunk carrying a token; unset when none did.
  std::optional<std::chrono::nanoseconds> time_to_first_token;
  // One gap per token after the first: a chunk's gap since the previous
  // token chunk is spread evenly over its tokens; tokens that came in the
  // first chunk with the first token have gap 0, so TTFT never leaks in.
  std::vector<std::chrono::nanoseconds> inter_token_latencies;
  std::size_t token_chunks = 0;     // chunks carrying at least one token
  std::size_t streamed_tokens = 0;  // the sum of the chunks' token counts
  // The server's usage count when given (rule 4), else streamed_tokens.
  std::size_t tokens = 0;
  bool usage_matches_stream = true;
  std::chrono::nanoseconds total{0};  // scheduled send to done
  // (tokens - 1) / (last token chunk - first token chunk); 0 when undefined.
  double decode_tokens_per_second = 0;
};

TokenTiming time_tokens(std::chrono::steady_clock::time_point scheduled,
                        std::span<const TokenChunk> chunks,
                        std::chrono::steady_clock::time_point done,
                        std::optional<std::size_t> usage_completion_tokens);

}  // namespace sbench::stats
