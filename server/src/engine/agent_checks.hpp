#pragma once

#include "engine/agent.hpp"

namespace sbench::server::engine {

// Throw EngineError kConflict with a message telling the client what to do.
void require_idle(const Agent& agent);
void require_resident(const Agent& agent);

}  // namespace sbench::server::engine
