#include "engine/agent_registry.hpp"

#include <algorithm>

#include "sbench/server/engine_error.hpp"

namespace sbench::server::engine {
namespace {

constexpr std::size_t kMaxIdLength = 64;

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

// Ids become file names (<cache_dir>/<id>.kv), so nothing that could leave the
// folder or need quoting is allowed.
bool AgentRegistry::valid_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), id_char);
}

std::shared_ptr<Agent> AgentRegistry::create(const std::optional<std::string>& id) {
  const bool generated = !id || id->empty();
  if (!generated && !valid_id(*id)) {
    throw EngineError(EngineError::Kind::kBadRequest,
                      "invalid agent id: use 1 to 64 characters from A-Z a-z 0-9 _ -");
  }
  if (!generated && agents_.contains(*id)) {
    throw EngineError(EngineError::Kind::kConflict, "agent " + *id + " already exists");
  }
  if (agents_.size() >= static_cast<std::size_t>(max_agents_)) {
    throw EngineError(
        EngineError::Kind::kCapacity,
        "agent limit of " + std::to_string(max_agents_) + " reached; delete an agent first");
  }
  auto agent = std::make_shared<Agent>();
  agent->id = generated ? unused_generated_id() : *id;
  agents_.emplace(agent->id, agent);
  return agent;
}

std::shared_ptr<Agent> AgentRegistry::find(const std::string& id) const {
  const auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : it->second;
}

std::shared_ptr<Agent> AgentRegistry::get(const std::string& id) const {
  auto agent = find(id);
  if (!agent)
    throw EngineError(EngineError::Kind::kNotFound, "unknown agent " + id);
  return agent;
}

void AgentRegistry::erase(const Agent& agent) {
  const auto it = agents_.find(agent.id);
  if (it != agents_.end() && it->second.get() == &agent)
    agents_.erase(it);
}

std::string AgentRegistry::unused_generated_id() {
  std::string id;
  do {
    id = "agent-" + std::to_string(++generated_ids_);
  } while (agents_.contains(id));
  return id;
}

}  // namespace sbench::server::engine
