#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "sbench/stats/token_timing.hpp"

namespace sbench::detail {

// Counts a stream's tokens event by event, by the rule of docs/MEASURING.md
// ("Token counts"): what the server says an event carries, and only where it
// says nothing, one token for an event with generated text. An event without
// generated text (a role delta, an empty text, a usage or final event) is
// never a token, so it can neither end TTFT nor split an ITL.
class StreamedTokens {
 public:
  using Clock = std::chrono::steady_clock;

  // The server states the count (token ids, our server's counts).
  void add_stated(Clock::time_point arrived, std::size_t tokens);
  // The server gives a running total of generated tokens (llama.cpp's
  // tokens_predicted, continuous usage): the event carries the increase.
  void add_running_total(Clock::time_point arrived, std::size_t total);
  // The server does not say: one token if `generated_text` is not empty.
  void add_unstated(Clock::time_point arrived, std::string_view generated_text);

  std::span<const stats::TokenChunk> chunks() const { return chunks_; }
  stats::TokenCountSource source() const { return source_; }

 private:
  std::vector<stats::TokenChunk> chunks_;
  std::size_t running_total_ = 0;
  stats::TokenCountSource source_ = stats::TokenCountSource::server;
};

}  // namespace sbench::detail
