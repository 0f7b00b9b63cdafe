#pragma once

#include <optional>
#include <set>

#include "load_verification.hpp"
#include "openai_api.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// sbench-server's own API (docs/SERVER_API.md): agents, their generate
// route, save/unload/load and /v1/stats. With server.api = "chat" an agent's
// turns go through /v1/chat/completions instead, the conversation resent and
// named by agent_id so the server keeps its KV; saving and loading stay
// native.
class ReferenceBackend : public BackendClient {
 public:
  ReferenceBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "reference"; }
  const Capabilities& capabilities() const override;
  Status create_agent(const std::string& agent) override;
  Status delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  CacheOperationResult save_agent(const std::string& agent) override;
  CacheOperationResult unload_agent(const std::string& agent) override;
  CacheOperationResult load_agent(const std::string& agent) override;
  CacheOperationResult load_agent_from(const std::string& agent,
                                       const std::string& source) override;
  ServerMemoryStats memory_stats() override;
  Status reset() override;

 private:
  GenerateResult generate_for_agent(const GenerateRequest& request);

  ServerConnection server_;
  std::string model_;
  std::optional<OpenAiConversations> chat_;  // set for server.api = "chat"
  LoadVerification loads_;
  std::mutex agents_mutex_;
  std::set<std::string> agents_;  // created through this backend, deleted by reset()
};

}  // namespace sbench::detail
