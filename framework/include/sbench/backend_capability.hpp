#pragma once

#include <benchmark/benchmark.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sbench {

class BackendClient;

// What a backend can do; a case needing more is skipped with the reason,
// never faked.
enum class Capability {
  generate,
  streaming,
  token_usage,
  agent_cache,  // save, unload, load of an agent's KV cache (also from another agent's file)
  server_memory_stats,
};

using Capabilities = std::set<Capability>;

std::string_view to_string(Capability capability);

// Why `backend` cannot serve a case needing `capability`; nullopt if it can.
std::optional<std::string> missing_capability(const BackendClient& backend, Capability capability);

// Skips the case (sbench::skip) and returns false when the backend lacks
// `capability`:  if (!sbench::require(state, backend, Capability::agent_cache)) return;
bool require(benchmark::State& state, const BackendClient& backend, Capability capability);

}  // namespace sbench
