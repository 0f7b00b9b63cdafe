#pragma once

#include "openai_api.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// Any OpenAI-compatible server (OpenAI, vLLM, SGLang, TGI, Ollama's /v1):
// /v1/chat/completions (server.api = "chat", the default) or /v1/completions.
// It keeps no agents, so an agent is its conversation so far, resent each
// turn; a server with prefix caching reports the reuse in
// usage.prompt_tokens_details.cached_tokens.
class OpenAiBackend : public BackendClient {
 public:
  OpenAiBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "openai"; }
  const Capabilities& capabilities() const override { return capabilities_; }
  Status create_agent(const std::string& agent) override;
  Status delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  ServerMemoryStats memory_stats() override;
  Status reset() override;

 private:
  ServerConnection server_;
  OpenAiConversations conversations_;
  std::string agent_id_field_;
  Capabilities capabilities_;
};

}  // namespace sbench::detail
