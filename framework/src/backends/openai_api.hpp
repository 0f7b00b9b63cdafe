#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "agent_states.hpp"
#include "prompt_sizer.hpp"
#include "sbench/config.hpp"
#include "sbench/generation.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// One OpenAI-style generation: POST /v1/chat/completions (`input` is the
// messages array) or /v1/completions (`input` is a string or token ids), as
// OpenAI, vLLM, SGLang, TGI, llama.cpp, Ollama's /v1 and sbench-server serve
// them. Streams ask for the final usage chunk (stream_options.include_usage)
// so the token count is the server's.
struct OpenAiCall {
  ServerApi api = ServerApi::chat;  // chat or completions
  std::string model;
  nlohmann::json input;
  // Fields added to the body: a server's own extensions (agent_id, id_slot).
  nlohmann::json extra = nlohmann::json::object();
  // Ask for usage on every chunk: then each chunk's count is the server's.
  bool continuous_usage = false;
};

GenerateResult openai_generate(ServerConnection& server, const GenerateRequest& request,
                               const OpenAiCall& call);

// One stateless POST /v1/completions of `prompt` (a string or token ids).
GenerateResult openai_complete(ServerConnection& server, const GenerateRequest& request,
                               const std::string& model, nlohmann::json prompt);

// The base call of a backend whose server also speaks the OpenAI API, for
// server.api = chat or completions; nullopt for native. Throws
// std::runtime_error naming the backend when `server.api` is one it lacks.
std::optional<OpenAiCall> openai_call_for(const ServerConfig& server, std::string_view backend,
                                          std::initializer_list<ServerApi> supported,
                                          ServerApi fallback);

// Agents of an OpenAI-style API, which keeps none: each agent is its
// conversation so far (messages for chat, one string for completions),
// resent each turn with the new prompt; servers with prefix caching reuse
// what they still hold. Thread-safe for different agents.
//
// PromptTokens become synthetic text sized with the server's /tokenize when
// it has one (PromptSizer), so the turn adds exactly that many tokens to the
// context; otherwise that many short words.
class OpenAiConversations {
 public:
  explicit OpenAiConversations(OpenAiCall base) : base_(std::move(base)), sizer_(base_.model) {}

  ServerApi api() const { return base_.api; }
  // Returns an error message, empty on success.
  std::string add(const std::string& agent);
  std::string remove(const std::string& agent);
  void clear() { conversations_.take_all(); }

  // A stateless request when request.agent is empty; `extra` adds fields to
  // the body (a server's agent or slot field).
  GenerateResult generate(ServerConnection& server, const GenerateRequest& request,
                          const nlohmann::json& extra = nlohmann::json::object());

 private:
  struct Conversation {
    nlohmann::json turns;            // messages, or the completion string so far
    std::size_t context_tokens = 0;  // the server's usage after the last turn
  };

  nlohmann::json empty() const;
  nlohmann::json with_turn(nlohmann::json conversation, const std::string& role,
                           const std::string& text) const;
  // The request's prompt as text for the next turn of `conversation`.
  std::string prompt_for(ServerConnection& server, const GenerateRequest& request,
                         const Conversation& conversation, const nlohmann::json& extra);

  OpenAiCall base_;
  PromptSizer sizer_;
  AgentStates<Conversation> conversations_;
};

// The text of a prompt for APIs that take text: PromptTokens become that
// many short words (the usage then says how many tokens they were).
std::string prompt_text(const GenerateRequest& request);

// {"role": role, "content": content}
nlohmann::json chat_message(const std::string& role, const std::string& content);

}  // namespace sbench::detail
