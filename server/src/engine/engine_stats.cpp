#include "engine/engine_stats.hpp"

#include <mutex>

#include "engine/request_lifecycle.hpp"

namespace sbench::server::engine {
namespace {

// "Theoretical" counts the tokens whose KV is actually held, so that
// allocated - theoretical is exactly the padding of partly filled blocks.
AgentStats agent_stats(const Agent& agent, const EngineState& state) {
  AgentStats stats;
  stats.id = agent.id;
  stats.resident = agent.resident;
  stats.busy = agent.activity != Agent::Activity::kIdle;
  stats.tokens = agent.context_tokens();
  stats.blocks = agent.blocks.size();
  stats.kv_bytes_theoretical = static_cast<std::size_t>(agent.kv_tokens) *
                               state.config.kv_bytes_per_token(state.options.kv_dtype);
  stats.kv_bytes_allocated = agent.blocks.size() * state.pool.block_bytes();
  return stats;
}

}  // namespace

EngineStats collect_stats(const EngineState& state) {
  std::lock_guard lock(state.mutex);
  EngineStats stats;
  stats.model = state.config.name;
  stats.parameters = state.config.parameter_count();
  stats.model_bytes = state.model.weight_bytes();
  stats.kv_bytes_per_token = state.config.kv_bytes_per_token(state.options.kv_dtype);
  stats.block_size = state.pool.block_size();
  stats.blocks_total = state.pool.max_blocks();
  stats.blocks_used = state.pool.used_blocks();
  stats.kv_bytes_allocated = stats.blocks_used * state.pool.block_bytes();

  for (const auto& [id, agent] : state.agents.all()) {
    stats.agents.push_back(agent_stats(*agent, state));
    stats.kv_bytes_theoretical += stats.agents.back().kv_bytes_theoretical;
  }
  for (const auto& request : state.running) {
    if (request->agent->anonymous()) {
      stats.kv_bytes_theoretical += agent_stats(*request->agent, state).kv_bytes_theoretical;
    }
  }
  if (stats.kv_bytes_allocated > 0) {
    stats.padding_overhead_pct =
        100.0 * static_cast<double>(stats.kv_bytes_allocated - stats.kv_bytes_theoretical) /
        static_cast<double>(stats.kv_bytes_allocated);
  }

  const EngineCounters& counters = state.counters;
  stats.requests_total = counters.requests_total;
  stats.requests_failed = counters.requests_failed;
  stats.prompt_tokens_total = counters.prompt_tokens_total;
  stats.cached_tokens_total = counters.cached_tokens_total;
  stats.generated_tokens_total = counters.generated_tokens_total;
  stats.decode_steps_total = counters.decode_steps_total;
  stats.requests_scheduled_total = counters.requests_scheduled_total;
  stats.queue_wait_seconds_total = counters.queue_wait_seconds_total;
  stats.running_requests = static_cast<int>(state.running.size());
  stats.queued_requests = static_cast<int>(state.queue.size());
  stats.kv_waiting_requests = kv_waiting_requests(state);
  stats.kv_waits_total = counters.kv_waits_total;
  return stats;
}

}  // namespace sbench::server::engine
