#pragma once

#include <nlohmann/json.hpp>

#include "agent_states.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// Ollama's own API (docs/api.md): /api/generate (server.api = "native", the
// default), where an agent is the `context` array the server hands back and
// sends with the next turn, or /api/chat (server.api = "chat"), where an
// agent is its messages, resent each turn. Both stream NDJSON, not SSE. No
// cache files, no memory stats.
class OllamaBackend : public BackendClient {
 public:
  OllamaBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "ollama"; }
  const Capabilities& capabilities() const override;
  Status create_agent(const std::string& agent) override;
  Status delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  Status reset() override;

 private:
  bool chat() const { return api_ == ServerApi::chat; }
  // The agent's state after this turn: the returned context, or the
  // messages sent (the prompt included) with the answer added.
  nlohmann::json next_state(nlohmann::json state, const GenerateResult& result,
                            const nlohmann::json& final_answer) const;

  ServerConnection server_;
  std::string model_;
  ServerApi api_;
  AgentStates<nlohmann::json> agents_;  // context arrays or message lists
};

}  // namespace sbench::detail
