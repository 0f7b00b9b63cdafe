#pragma once

#include "agent_states.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// Any OpenAI-compatible server (vLLM, SGLang, TGI): /v1/completions only. It
// keeps no agents, so an agent is its conversation so far, resent each turn;
// a server with prefix caching reports the reuse in
// usage.prompt_tokens_details.cached_tokens.
class OpenAiBackend : public BackendClient {
 public:
  OpenAiBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "openai"; }
  const Capabilities& capabilities() const override { return capabilities_; }
  std::string create_agent(const std::string& agent) override;
  std::string delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  ServerMemoryStats memory_stats() override;
  std::string reset() override;

 private:
  ServerConnection server_;
  std::string model_;
  Capabilities capabilities_;
  AgentStates<std::string> histories_;
};

}  // namespace sbench::detail
