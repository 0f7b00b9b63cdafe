#include "suite_support/saved_agent.hpp"

#include <stdexcept>
#include <vector>

#include "suite_support/agents.hpp"
#include "suite_support/case_session.hpp"

namespace sbench::suites {
namespace {

// The last generated token has no KV entry until the next request feeds it,
// so a server may save one token fewer than the agent holds.
void require_tokens(const CacheOperationResult& result, const SavedAgent& saved, const char* verb) {
  if (result.tokens + 1 < static_cast<std::size_t>(saved.tokens)) {
    throw std::runtime_error("agent " + saved.agent + " holds " + std::to_string(saved.tokens) +
                             " tokens but the server " + verb + " " +
                             std::to_string(result.tokens));
  }
}

}  // namespace

SavedAgent save_filled_agent(BackendClient& backend, int tokens) {
  require_capability(backend, Capability::agent_cache);
  const std::vector<std::string> ids = create_filled_agents(backend, "cache", 1, tokens);
  SavedAgent saved{ids.front(), tokens, {}};
  saved.save = save_again(backend, saved);
  return saved;
}

CacheOperationResult save_again(BackendClient& backend, const SavedAgent& saved) {
  CacheOperationResult result = backend.save_agent(saved.agent);
  require_ok(result, saved.agent);
  require_tokens(result, saved, "saved");
  return result;
}

CacheOperationResult load_saved(BackendClient& backend, const SavedAgent& saved) {
  require_ok(backend.unload_agent(saved.agent), saved.agent);
  CacheOperationResult result = backend.load_agent(saved.agent);
  require_ok(result, saved.agent);
  require_tokens(result, saved, "loaded");
  return result;
}

GenerateResult generate_after_load(BackendClient& backend, const SavedAgent& saved,
                                   int max_tokens) {
  GenerateRequest request;
  request.agent = saved.agent;
  request.prompt = PromptTokens{1};
  request.max_tokens = max_tokens;
  request.stream = true;
  GenerateResult result = backend.generate(request);
  require_usage(result, saved.agent);
  return result;
}

}  // namespace sbench::suites
