#pragma once

#include <string>

#include "engine/engine_state.hpp"

namespace sbench::server::engine {

// Engine::save/unload/load. Save and load do their file I/O on the calling
// thread, outside the engine mutex, so a large cache never stalls decoding.
CacheFileResult save_agent(EngineState& state, const std::string& id);
std::size_t unload_agent(EngineState& state, const std::string& id);
// Loads the file agent `source` saved into agent `id` (usually the same).
CacheFileResult load_agent(EngineState& state, const std::string& id, const std::string& source);

}  // namespace sbench::server::engine
