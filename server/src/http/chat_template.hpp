#pragma once

#include <string>
#include <vector>

#include "sbench/server/tokenizer.hpp"

namespace sbench::server::http {

struct ChatMessage {
  std::string role;  // system, user or assistant (developer is read as system)
  std::string content;
};

// The reference model's chat template, ChatML over the byte tokenizer
// (docs/SERVER_API.md, "Chat completions"):
//   <|im_start|>{role}\n{content}<|im_end|>\n   for each message, then
//   <|im_start|>assistant\n                         the generation prompt.
//
// `held` is the agent's context when the conversation continues one. An
// assistant message whose text is what the agent generated there, as our
// JSON showed it (bytes that are not UTF-8 read back as U+FFFD), becomes the
// generated tokens themselves: re-encoding that text would differ from the
// cache at the first replaced byte and recompute the rest of the context.
// The tokens that end every rendering: <|im_start|>assistant\n.
std::vector<int> chat_generation_prompt(const ByteTokenizer& tokenizer);

std::vector<int> render_chat(const std::vector<ChatMessage>& messages,
                             const ByteTokenizer& tokenizer, const std::vector<int>* held);

}  // namespace sbench::server::http
