#pragma once

#include "engine/engine_state.hpp"

namespace sbench::server::engine {

// A consistent snapshot; takes the engine mutex.
EngineStats collect_stats(const EngineState& state);

}  // namespace sbench::server::engine
