#include "sbench/stats/token_timing.hpp"

namespace sbench::stats {

std::string_view to_string(TokenCountSource source) {
  return source == TokenCountSource::server ? "server" : "chunks (estimated)";
}

bool TokenTiming::usage_matches_stream() const {
  if (!streamed() || !usage_tokens)
    return true;
  const std::size_t apart = *usage_tokens > streamed_tokens ? *usage_tokens - streamed_tokens
                                                            : streamed_tokens - *usage_tokens;
  return apart <= kUsageStreamTolerance;
}

TokenTiming time_tokens(std::chrono::steady_clock::time_point scheduled,
                        std::span<const TokenChunk> chunks,
                        std::chrono::steady_clock::time_point done,
                        std::optional<std::size_t> usage_completion_tokens,
                        std::optional<TokenCountSource> source) {
  using std::chrono::nanoseconds;
  TokenTiming timing;
  timing.total = done - scheduled;
  timing.token_count_source = source;
  std::optional<std::chrono::steady_clock::time_point> first_token;
  std::chrono::steady_clock::time_point previous_token;
  for (const TokenChunk& chunk : chunks) {
    if (chunk.tokens == 0)
      continue;
    ++timing.token_chunks;
    timing.streamed_tokens += chunk.tokens;
    if (!first_token) {
      first_token = chunk.arrived;
      timing.time_to_first_token = chunk.arrived - scheduled;
      timing.inter_token_latencies.insert(timing.inter_token_latencies.end(), chunk.tokens - 1,
                                          nanoseconds{0});
    } else {
      const nanoseconds share = (chunk.arrived - previous_token) / chunk.tokens;
      timing.inter_token_latencies.insert(timing.inter_token_latencies.end(), chunk.tokens, share);
    }
    previous_token = chunk.arrived;
  }
  timing.usage_tokens = usage_completion_tokens;
  timing.tokens = usage_completion_tokens.value_or(timing.streamed_tokens);
  if (first_token && timing.tokens > 1 && previous_token > *first_token) {
    const double seconds = std::chrono::duration<double>(previous_token - *first_token).count();
    timing.decode_tokens_per_second = static_cast<double>(timing.tokens - 1) / seconds;
  }
  return timing;
}

}  // namespace sbench::stats
