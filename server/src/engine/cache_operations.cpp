#include "engine/cache_operations.hpp"

#include <utility>

#include "engine/agent_checks.hpp"
#include "engine/cache_lease.hpp"

namespace sbench::server::engine {
namespace {

std::filesystem::path cache_file(const EngineState& state, const std::string& id) {
  return state.options.cache_dir / (id + ".kv");
}

}  // namespace

CacheFileResult save_agent(EngineState& state, const std::string& id) {
  const CacheLease lease(state, [&](AgentRegistry& agents) {
    auto agent = agents.get(id);
    require_idle(*agent);
    require_resident(*agent);
    return agent;
  });
  const Agent& agent = lease.agent();
  remove_orphan_temp_files(state.options.cache_dir, id);  // from an earlier save that was killed
  CacheFileResult result;
  result.path = cache_file(state, id);
  result.tokens = agent.context_tokens();
  const Clock::time_point start = Clock::now();
  result.bytes = save_kv_file(result.path, state.file_model,
                              KvContextView{agent.tokens, agent.kv_tokens, agent.blocks},
                              state.pool, state.options.fsync_saves);
  result.ms = elapsed_ms(start, Clock::now());
  return result;
}

std::size_t unload_agent(EngineState& state, const std::string& id) {
  std::lock_guard lock(state.mutex);
  const auto agent = state.agents.get(id);
  require_idle(*agent);
  require_resident(*agent);
  const std::size_t freed = agent->blocks.size() * state.pool.block_bytes();
  state.pool.release(agent->blocks);
  agent->kv_tokens = 0;
  agent->resident = false;
  state.work_ready.notify_one();  // a request waiting for KV blocks may go on
  return freed;
}

CacheFileResult load_agent(EngineState& state, const std::string& id, const std::string& source) {
  if (!AgentRegistry::valid_id(id) || !AgentRegistry::valid_id(source)) {
    throw EngineError(EngineError::Kind::kBadRequest, "invalid agent id");
  }
  // Loading an unknown agent resumes it, e.g. after a server restart.
  bool created = false;
  CacheLease lease(state, [&](AgentRegistry& agents) {
    auto agent = agents.find(id);
    if (!agent) {
      agent = agents.create(id);
      agent->resident = false;
      created = true;
      return agent;
    }
    require_idle(*agent);
    if (agent->resident) {
      throw EngineError(EngineError::Kind::kConflict,
                        "agent " + id + " is already in memory; unload it before loading");
    }
    return agent;
  });
  CacheFileResult result;
  result.path = cache_file(state, source);
  const Clock::time_point start = Clock::now();
  LoadedKvContext loaded;
  try {
    loaded = load_kv_file(result.path, state.file_model, state.pool, state.max_context_tokens);
  } catch (...) {
    if (created)
      lease.forget_agent();
    throw;
  }
  result.ms = elapsed_ms(start, Clock::now());
  result.tokens = static_cast<int>(loaded.tokens.size());
  result.bytes = loaded.file_bytes;
  lease.update([&](Agent& agent) {
    agent.tokens = std::move(loaded.tokens);
    agent.kv_tokens = loaded.kv_tokens;
    agent.blocks = std::move(loaded.blocks);
    agent.resident = true;
  });
  return result;
}

}  // namespace sbench::server::engine
