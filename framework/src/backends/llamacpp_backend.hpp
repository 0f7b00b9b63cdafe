#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "agent_states.hpp"
#include "llamacpp_slots.hpp"
#include "load_verification.hpp"
#include "openai_api.hpp"
#include "sbench/backend.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// llama.cpp's server (tools/server/README.md; captured answers in
// reference/llamacpp-server-responses.txt). An agent owns one slot and
// its conversation, resent in full each turn with cache_prompt so the slot
// reuses the common prefix; its cache is /slots/{id}?action=save|restore|erase
// (the server needs --slot-save-path). With server.api = "chat" the turns go
// through /v1/chat/completions on the agent's slot instead of /completion.
class LlamaCppBackend : public BackendClient {
 public:
  LlamaCppBackend(const ServerConfig& server, BackendTarget target);

  std::string_view name() const override { return "llamacpp"; }
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
  struct Agent {
    int slot = 0;
    nlohmann::json conversation = nlohmann::json::array();  // strings and token ids
    std::size_t context_tokens = 0;                         // the slot's tokens after the last turn
  };

  GenerateResult generate_for_agent(const GenerateRequest& request, Agent agent);
  GenerateResult chat_for_agent(const GenerateRequest& request, Agent agent);
  // Every slot action carries a JSON body: a bodiless erase hangs the server.
  http::Request slot_request(int slot, std::string_view action, const nlohmann::json& body) const;
  std::string erase_slot(int slot);
  // Save and restore answer alike, under different field names.
  struct SlotFileAnswer {
    CacheAction cache_action;
    std::string_view action, tokens, bytes, server_ms;
  };
  // Saves `slot` to, or restores it from, the slot file of agent `file_owner`.
  CacheOperationResult slot_file_request(int slot, const std::string& file_owner,
                                         const SlotFileAnswer& answer_fields);

  ServerConnection server_;
  std::string model_;
  std::mutex slots_mutex_;
  SlotMap slots_;
  AgentStates<Agent> agents_;
  std::optional<OpenAiConversations> chat_;  // set for server.api = "chat"
  LoadVerification loads_;
};

}  // namespace sbench::detail
