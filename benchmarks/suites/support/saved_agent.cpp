#include "suite_support/saved_agent.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "suite_support/agents.hpp"
#include "suite_support/case_session.hpp"

namespace sbench::suites {
namespace {

// The last generated token has no KV entry until the next request feeds it,
// so a server may save or load one token fewer than the agent holds.
bool holds_all(const CacheOperationResult& result, int tokens) {
  return result.tokens + 1 >= static_cast<std::size_t>(tokens);
}

void require_tokens(const CacheOperationResult& result, const SavedAgent& saved, const char* verb) {
  if (!holds_all(result, saved.tokens)) {
    throw std::runtime_error("agent " + saved.agent + " holds " + std::to_string(saved.tokens) +
                             " tokens but the server " + verb + " " +
                             std::to_string(result.tokens));
  }
}

// FNV-1a: a short, stable name for whatever `server.model` holds (a preset,
// a file path, a hosted model's name), within agent-id characters.
std::string model_tag(const std::string& model) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : model) {
    hash ^= c;
    hash *= 16777619u;
  }
  char tag[9];
  std::snprintf(tag, sizeof tag, "%08x", hash);
  return tag;
}

}  // namespace

SavedAgent saved_context(BackendClient& backend, const Config& config, int tokens) {
  require_capability(backend, Capability::agent_cache);
  const SavedAgent saved{"ctx-" + std::to_string(tokens) + "-" + model_tag(config.server.model),
                         tokens};
  const std::array<std::string, 1> id{saved.agent};
  // Created and unloaded first: a backend that maps agents to slots (llama.cpp)
  // restores only into an agent it knows.
  create_agents(backend, id);
  require_ok(backend.unload_agent(saved.agent), saved.agent);
  if (const CacheOperationResult loaded = backend.load_agent(saved.agent);
      loaded.ok() && holds_all(loaded, tokens))
    return saved;
  delete_agents(backend, id);
  create_agents(backend, id);
  fill_agents(backend, id, tokens);
  (void)save_again(backend, saved);  // checked inside
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

std::vector<std::string> create_copies(BackendClient& backend, const SavedAgent& context,
                                       std::string_view prefix, int count) {
  std::vector<std::string> ids = fresh_agent_ids(prefix, count);
  create_agents(backend, ids);
  for (const std::string& id : ids) {
    require_ok(backend.unload_agent(id), id);
    const CacheOperationResult copy = backend.load_agent_from(id, context.agent);
    require_ok(copy, id);
    require_tokens(copy, SavedAgent{id, context.tokens}, "loaded");
  }
  return ids;
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
