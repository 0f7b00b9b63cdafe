#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace sbench::stats {

// One streamed chunk (an SSE event or an NDJSON line) and how many generated
// tokens it carries. The backend decides: a llama.cpp chunk may carry
// several, a role delta, a usage chunk or an empty text none
// (docs/MEASURING.md, "Token counts").
struct TokenChunk {
  std::chrono::steady_clock::time_point arrived;
  std::size_t tokens = 0;
};

// How a stream's per-chunk token counts were known.
enum class TokenCountSource {
  server,            // the server stated every count (token ids, running totals)
  chunks_estimated,  // some chunk's count was not stated: one chunk with text = one token
};

// "server" or "chunks (estimated)", as the results write it.
std::string_view to_string(TokenCountSource source);

// Usage and stream may differ by this many tokens before they disagree: a
// server may count an end-of-sequence token it never streams.
inline constexpr std::size_t kUsageStreamTolerance = 1;

// Token latencies of one generation (docs/MEASURING.md, "TTFT" and "ITL").
struct TokenTiming {
  // Scheduled send to the first chunk carrying a token; unset when none did.
  std::optional<std::chrono::nanoseconds> time_to_first_token;
  // One gap per token after the first: a chunk's gap since the previous
  // token chunk is spread evenly over its tokens; tokens that came in the
  // first chunk with the first token have gap 0, so TTFT never leaks in.
  std::vector<std::chrono::nanoseconds> inter_token_latencies;
  std::size_t token_chunks = 0;     // chunks carrying at least one token
  std::size_t streamed_tokens = 0;  // the sum of the chunks' token counts
  // The server's usage count (completion tokens), when it gave one.
  std::optional<std::size_t> usage_tokens;
  // The count the results use: the usage when given, else streamed_tokens.
  std::size_t tokens = 0;
  // Set for streams only: how streamed_tokens was counted.
  std::optional<TokenCountSource> token_count_source;
  std::chrono::nanoseconds total{0};  // scheduled send to done
  // (tokens - 1) / (last token chunk - first token chunk); 0 when undefined.
  double decode_tokens_per_second = 0;

  bool streamed() const { return token_count_source.has_value(); }
  // False when a stream's tokens and the server's usage are more than
  // kUsageStreamTolerance apart: one of the two counts is wrong.
  bool usage_matches_stream() const;
};

// `source` is unset for a non-streamed answer (then `chunks` is empty).
TokenTiming time_tokens(std::chrono::steady_clock::time_point scheduled,
                        std::span<const TokenChunk> chunks,
                        std::chrono::steady_clock::time_point done,
                        std::optional<std::size_t> usage_completion_tokens,
                        std::optional<TokenCountSource> source);

}  // namespace sbench::stats
