#include "engine/agent_checks.hpp"

#include "sbench/server/engine_error.hpp"

namespace sbench::server::engine {

void require_idle(const Agent& agent) {
  switch (agent.activity) {
    case Agent::Activity::kIdle:
      return;
    case Agent::Activity::kGenerating:
      throw EngineError(
          EngineError::Kind::kConflict,
          "agent " + agent.id + " is busy with a generation; retry when it finishes or cancel it");
    case Agent::Activity::kCaching:
      throw EngineError(EngineError::Kind::kConflict,
                        "agent " + agent.id + " is busy saving or loading; retry when it finishes");
  }
}

void require_resident(const Agent& agent) {
  if (!agent.resident) {
    throw EngineError(EngineError::Kind::kConflict,
                      "agent " + agent.id + " is not in memory; load it first");
  }
}

}  // namespace sbench::server::engine
