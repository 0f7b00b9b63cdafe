#pragma once

#include <nlohmann/json.hpp>

#include "agent_states.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// Ollama's /api/generate (docs/api.md, "Generate a completion"): streams
// NDJSON, not SSE. An agent is the `context` array the server hands back,
// sent with the next turn. No cache files, no memory stats.
class OllamaBackend : public BackendClient {
 public:
  OllamaBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "ollama"; }
  const Capabilities& capabilities() const override;
  std::string create_agent(const std::string& agent) override;
  std::string delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  std::string reset() override;

 private:
  ServerConnection server_;
  std::string model_;
  AgentStates<nlohmann::json> contexts_;
};

}  // namespace sbench::detail
