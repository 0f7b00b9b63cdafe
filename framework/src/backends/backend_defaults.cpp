#include "sbench/backend.hpp"

namespace sbench {
namespace {

// Why the default operation cannot run. A backend that declares the
// capability must override the operation; one that does not is reported, not
// left to undefined behaviour.
std::string unsupported_reason(const BackendClient& backend, Capability capability) {
  return missing_capability(backend, capability)
      .value_or(std::string(backend.name()) + " declares " + std::string(to_string(capability)) +
                " but does not implement it");
}

CacheOperationResult unsupported(const BackendClient& backend, CacheAction action) {
  CacheOperationResult result;
  result.action = action;
  result.error = unsupported_reason(backend, Capability::agent_cache);
  return result;
}

}  // namespace

CacheOperationResult BackendClient::save_agent(const std::string&) {
  return unsupported(*this, CacheAction::save);
}

CacheOperationResult BackendClient::unload_agent(const std::string&) {
  return unsupported(*this, CacheAction::unload);
}

CacheOperationResult BackendClient::load_agent(const std::string&) {
  return unsupported(*this, CacheAction::load);
}

CacheOperationResult BackendClient::load_agent_from(const std::string&, const std::string&) {
  return unsupported(*this, CacheAction::load);
}

ServerMemoryStats BackendClient::memory_stats() {
  ServerMemoryStats stats;
  stats.error = unsupported_reason(*this, Capability::server_memory_stats);
  return stats;
}

}  // namespace sbench
