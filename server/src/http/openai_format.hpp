#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "generation_format.hpp"
#include "json_io.hpp"

namespace sbench::server::http {

// What OpenAI's stream_options ask for. continuous_usage is vLLM's
// extension: usage on every chunk, so a client knows each chunk's tokens.
struct OpenAiStreamOptions {
  bool include_usage = false;
  bool continuous_usage = false;
};

// Reads `stream_options`; unknown keys are refused.
OpenAiStreamOptions read_stream_options(JsonBody& body);

// Fields OpenAI clients commonly send that change nothing here when left at
// their defaults (model, user, n = 1, ...); other values are refused rather
// than silently ignored.
void read_openai_defaults(JsonBody& body);

enum class OpenAiObject { completion, chat };

// OpenAI's text_completion and chat.completion(.chunk) objects, streamed or
// whole. Chat streams open with the role delta, before any token, as vLLM
// and OpenAI send it; tokens without complete text wait for the next one.
class OpenAiFormat : public GenerationFormat {
 public:
  // `prompt_tokens`: the prompt as usage counts it (for continuous usage).
  OpenAiFormat(OpenAiObject object, std::string id, std::string model, OpenAiStreamOptions options,
               int prompt_tokens);

  bool holds_textless_tokens() const override { return true; }
  std::vector<nlohmann::json> opening_events() const override;
  nlohmann::json token_event(std::span<const int> tokens, const std::string& text,
                             int generated) const override;
  std::vector<nlohmann::json> final_events(const GenerateResult& result,
                                           const std::string& trailing_text) const override;
  nlohmann::json response(const GenerateResult& result, const std::string& text) const override;

 private:
  nlohmann::json chunk_choice(nlohmann::json delta_or_text, nlohmann::json finish_reason) const;
  nlohmann::json envelope(nlohmann::json choices, bool chunk) const;
  nlohmann::json delta(const std::string& text) const;

  OpenAiObject object_;
  std::string id_;
  std::string model_;
  std::int64_t created_;
  OpenAiStreamOptions options_;
  int prompt_tokens_;
};

}  // namespace sbench::server::http
