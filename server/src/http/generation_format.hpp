#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "sbench/server/engine.hpp"

namespace sbench::server::http {

// How a generation is written out. The agent API and the OpenAI API differ
// only here; waiting for the engine and streaming are shared.
class GenerationFormat {
 public:
  virtual ~GenerationFormat() = default;
  // Whether a token without complete text (the first bytes of a UTF-8
  // character, an end-of-sequence token) waits to go out with the next token
  // that completes some text. APIs whose events do not list token ids need
  // that: a client counts one token per event with text.
  virtual bool holds_textless_tokens() const = 0;
  // One SSE event for `tokens` (one, or those held back and the one that
  // completed their text); `text` is their complete UTF-8 text and
  // `generated` the count of tokens generated so far, these included.
  virtual nlohmann::json token_event(std::span<const int> tokens, const std::string& text,
                                     int generated) const = 0;
  // Events sent as soon as the stream starts, before any token (a chat
  // stream's role delta).
  virtual std::vector<nlohmann::json> opening_events() const { return {}; }
  // Events after the last token, before [DONE]; `trailing_text` holds bytes of
  // an unfinished character at the end, usually empty.
  virtual std::vector<nlohmann::json> final_events(const GenerateResult& result,
                                                   const std::string& trailing_text) const = 0;
  // The body of a non-streamed answer.
  virtual nlohmann::json response(const GenerateResult& result, const std::string& text) const = 0;
};

}  // namespace sbench::server::http
