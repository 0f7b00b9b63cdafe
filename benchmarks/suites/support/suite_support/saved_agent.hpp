#pragma once

#include <string>

#include "sbench/agent_cache.hpp"
#include "sbench/backend.hpp"
#include "sbench/generation.hpp"

namespace sbench::suites {

// An agent holding a context of `tokens` tokens, saved to the server's cache
// and still resident: what the cache cases save again or load back. Needs Capability::agent_cache
// (throws sbench::Skip otherwise).
struct SavedAgent {
  std::string agent;
  int tokens = 0;
  CacheOperationResult save;
};

SavedAgent save_filled_agent(BackendClient& backend, int tokens);

// Saves the (resident) agent again; throws when the server saved fewer
// tokens than the agent holds.
CacheOperationResult save_again(BackendClient& backend, const SavedAgent& saved);

// Unloads the agent, then loads it back; throws when the server
// loaded fewer tokens than were saved.
CacheOperationResult load_saved(BackendClient& backend, const SavedAgent& saved);

// The first generation after a load, streamed: the backend fails it when
// the loaded tokens were recomputed instead of reused (docs/MEASURING.md, "Verified reuse"), and
// this throws that error.
GenerateResult generate_after_load(BackendClient& backend, const SavedAgent& saved, int max_tokens);

}  // namespace sbench::suites
