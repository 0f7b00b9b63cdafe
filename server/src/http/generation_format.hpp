#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sbench/server/engine.hpp"

namespace sbench::server::http {

// How a generation is written out. The agent API and the OpenAI API differ
// only here; waiting for the engine and streaming are shared.
class GenerationFormat {
 public:
  virtual ~GenerationFormat() = default;
  // One SSE event per generated token; `text` is its complete UTF-8 text so far.
  virtual nlohmann::json token_event(int token, const std::string& text) const = 0;
  // Events after the last token, before [DONE]; `trailing_text` holds bytes of
  // an unfinished character at the end, usually empty.
  virtual std::vector<nlohmann::json> final_events(const GenerateResult& result,
                                                   const std::string& trailing_text) const = 0;
  // The body of a non-streamed answer.
  virtual nlohmann::json response(const GenerateResult& result, const std::string& text) const = 0;
};

}  // namespace sbench::server::http
