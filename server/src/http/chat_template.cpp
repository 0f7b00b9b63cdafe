#include "chat_template.hpp"

#include <algorithm>

#include "json_io.hpp"

namespace sbench::server::http {
namespace {

constexpr const char* kTurnStart = "<|im_start|>";
constexpr const char* kTurnEnd = "<|im_end|>\n";

void append(std::vector<int>& tokens, const std::vector<int>& more) {
  tokens.insert(tokens.end(), more.begin(), more.end());
}

// The generated tokens of the agent's context starting at `offset` that read
// as `content`, ended by the next turn end or the context's end; empty when
// they do not.
std::vector<int> generated_span(const std::vector<int>& held, std::size_t offset,
                                const std::string& content, const ByteTokenizer& tokenizer) {
  if (offset >= held.size())
    return {};
  const std::vector<int> end_marker = tokenizer.encode(kTurnEnd);
  const auto from = held.begin() + static_cast<std::ptrdiff_t>(offset);
  const auto to = std::search(from, held.end(), end_marker.begin(), end_marker.end());
  std::vector<int> span(from, to);
  if (as_sent_in_json(tokenizer.decode(span)) != content)
    return {};
  return span;
}

}  // namespace

std::vector<int> chat_generation_prompt(const ByteTokenizer& tokenizer) {
  return tokenizer.encode(std::string(kTurnStart) + "assistant\n");
}

std::vector<int> render_chat(const std::vector<ChatMessage>& messages,
                             const ByteTokenizer& tokenizer, const std::vector<int>* held) {
  std::vector<int> tokens;
  // Matching the agent's tokens only makes sense while what came before matches.
  const auto still_matches = [&] {
    return held && tokens.size() <= held->size() &&
           std::equal(tokens.begin(), tokens.end(), held->begin());
  };
  for (const ChatMessage& message : messages) {
    append(tokens, tokenizer.encode(std::string(kTurnStart) + message.role + "\n"));
    std::vector<int> content = tokenizer.encode(message.content);
    if (message.role == "assistant" && still_matches()) {
      const bool same = tokens.size() + content.size() <= held->size() &&
                        std::equal(content.begin(), content.end(),
                                   held->begin() + static_cast<std::ptrdiff_t>(tokens.size()));
      if (!same) {
        if (auto generated = generated_span(*held, tokens.size(), message.content, tokenizer);
            !generated.empty())
          content = std::move(generated);
      }
    }
    append(tokens, content);
    append(tokens, tokenizer.encode(kTurnEnd));
  }
  append(tokens, chat_generation_prompt(tokenizer));
  return tokens;
}

}  // namespace sbench::server::http
