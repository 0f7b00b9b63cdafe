#pragma once

#include <functional>
#include <memory>

#include "engine/engine_state.hpp"

namespace sbench::server::engine {

// Holds an agent busy for a save or load so the file I/O runs on the caller's
// thread without the engine mutex: the scheduler and other agents go on, and
// anyone else touching this agent gets kConflict.
class CacheLease {
 public:
  using Pick = std::function<std::shared_ptr<Agent>(AgentRegistry&)>;

  // `pick` runs under the mutex and returns the agent to hold, or throws
  // EngineError to refuse.
  CacheLease(EngineState& state, const Pick& pick);
  // Idle again; an agent deleted meanwhile gives its blocks back.
  ~CacheLease();
  CacheLease(const CacheLease&) = delete;
  CacheLease& operator=(const CacheLease&) = delete;

  const Agent& agent() const { return *agent_; }
  void update(const std::function<void(Agent&)>& change);  // under the mutex
  void forget_agent();  // removes an agent that exists only for this operation

 private:
  EngineState& state_;
  std::shared_ptr<Agent> agent_;
};

}  // namespace sbench::server::engine
