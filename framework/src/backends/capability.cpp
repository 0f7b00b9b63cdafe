#include "sbench/backend.hpp"
#include "sbench/case.hpp"

namespace sbench {

std::string_view to_string(Capability capability) {
  switch (capability) {
    case Capability::generate:
      return "generate";
    case Capability::streaming:
      return "streaming";
    case Capability::token_usage:
      return "token_usage";
    case Capability::agent_cache:
      return "agent_cache";
    case Capability::server_memory_stats:
      return "server_memory_stats";
  }
  return "unknown";
}

std::optional<std::string> missing_capability(const BackendClient& backend, Capability capability) {
  if (backend.has(capability))
    return std::nullopt;
  return "backend " + std::string(backend.name()) + " lacks capability " +
         std::string(to_string(capability));
}

bool require(benchmark::State& state, const BackendClient& backend, Capability capability) {
  const auto missing = missing_capability(backend, capability);
  if (missing)
    skip(state, *missing);
  return !missing;
}

}  // namespace sbench
