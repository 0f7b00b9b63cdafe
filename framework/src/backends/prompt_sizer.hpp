#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "sbench/config.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// Prompts of an exact token count for APIs that take only text. The client
// has no tokenizer of the server's model, so it asks the server's: POST
// /tokenize with the prompt or the chat messages (vLLM's form, which
// sbench-server serves too), searching for the synthetic text that makes the
// conversation exactly as long as wanted. Servers without it get an
// estimate, and their usage says what the prompt really was.
class PromptSizer {
 public:
  explicit PromptSizer(std::string model) : model_(std::move(model)) {}

  // What a sizing is for: the conversation so far (messages, or the
  // completion string) and the generation request's own extra fields (an
  // agent id: a server that caches per agent renders for that agent).
  struct Turn {
    ServerApi api;
    const nlohmann::json& conversation;
    const nlohmann::json& extra;
  };

  // The text to send as the next user turn so that the server counts
  // `total` prompt tokens; nullopt when the server cannot tokenize.
  // Thread-safe.
  std::optional<std::string> text_for(ServerConnection& server, const Turn& turn, std::size_t total,
                                      std::uint64_t seed);

 private:
  // The prompt tokens of the conversation with `text` as the next turn;
  // nullopt on failure, with `unsupported` set when the server cannot
  // tokenize at all (rather than failed this once).
  std::optional<std::size_t> count(ServerConnection& server, const Turn& turn,
                                   const std::string& text, bool& unsupported);
  std::optional<std::string> search(ServerConnection& server, const Turn& turn, std::size_t total,
                                    std::uint64_t seed, bool& unsupported);

  std::string model_;
  std::mutex first_turn_search_;  // held through a first turn's search
  std::mutex mutex_;              // guards what follows
  std::optional<bool> available_;
  // First turns, which every fresh agent of a case asks for alike.
  std::map<std::pair<std::size_t, std::uint64_t>, std::string> first_turns_;
};

}  // namespace sbench::detail
