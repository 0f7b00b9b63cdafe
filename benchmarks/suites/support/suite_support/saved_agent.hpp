#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sbench/agent_cache.hpp"
#include "sbench/backend.hpp"
#include "sbench/config.hpp"
#include "sbench/generation.hpp"

namespace sbench::suites {

// An agent holding a context of `tokens` tokens, saved to the server's cache
// and resident: what the cache cases save again or load back, and what the
// memory cases copy.
struct SavedAgent {
  std::string agent;
  int tokens = 0;
};

// The saved context of `tokens` tokens every case of a run shares, named
// for its size and the configured model ("ctx-<tokens>-<model hash>"). When
// the server's cache directory already holds it (a server that shares
// `server.cache_dir` with an earlier case's saved it) it is loaded, else
// filled and saved: a context is prefilled once per run, not once per case.
// A file the server refuses (another model or KV dtype) is filled over.
// Needs Capability::agent_cache (throws sbench::Skip otherwise).
SavedAgent saved_context(BackendClient& backend, const Config& config, int tokens);

// Saves the (resident) agent again; throws when the server saved fewer
// tokens than the agent holds.
CacheOperationResult save_again(BackendClient& backend, const SavedAgent& saved);

// Unloads the agent, then loads it back; throws when the server
// loaded fewer tokens than were saved.
CacheOperationResult load_saved(BackendClient& backend, const SavedAgent& saved);

// `count` new agents, each given its own copy of `context` by loading its
// file (BackendClient::load_agent_from): many agents holding a context
// without a prefill each. Throws when a copy holds fewer tokens.
std::vector<std::string> create_copies(BackendClient& backend, const SavedAgent& context,
                                       std::string_view prefix, int count);

// The first generation after a load, streamed: the backend fails it when
// the loaded tokens were recomputed instead of reused (docs/MEASURING.md, "Verified reuse"), and
// this throws that error.
GenerateResult generate_after_load(BackendClient& backend, const SavedAgent& saved, int max_tokens);

}  // namespace sbench::suites
