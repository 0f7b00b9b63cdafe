#include "sbench/backend.hpp"

namespace sbench {
namespace {

CacheOperationResult unsupported(const BackendClient& backend, CacheAction action) {
  CacheOperationResult result;
  result.action = action;
  result.error = *missing_capability(backend, Capability::agent_cache);
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

ServerMemoryStats BackendClient::memory_stats() {
  ServerMemoryStats stats;
  stats.error = *missing_capability(*this, Capability::server_memory_stats);
  return stats;
}

}  // namespace sbench
