#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/agent.hpp"

namespace sbench::server::engine {

// The named agents, sorted by id. Not thread-safe: used under the engine mutex.
class AgentRegistry {
 public:
  explicit AgentRegistry(int max_agents) : max_agents_(max_agents) {}

  static bool valid_id(const std::string& id);

  // Throws EngineError: kBadRequest (bad id), kConflict (exists), kCapacity (full).
  std::shared_ptr<Agent> create(const std::optional<std::string>& id);
  std::shared_ptr<Agent> find(const std::string& id) const;  // null when unknown
  std::shared_ptr<Agent> get(const std::string& id) const;   // throws kNotFound when unknown
  // Removes `agent` unless its id has been reused by another agent meanwhile.
  void erase(const Agent& agent);

  const std::map<std::string, std::shared_ptr<Agent>>& all() const { return agents_; }

 private:
  std::string unused_generated_id();

  int max_agents_;
  std::uint64_t generated_ids_ = 0;
  std::map<std::string, std::shared_ptr<Agent>> agents_;
};

}  // namespace sbench::server::engine
