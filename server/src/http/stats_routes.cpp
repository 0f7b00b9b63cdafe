#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

nlohmann::json agent_json(const AgentStats& agent) {
  return {{"id", agent.id},
          {"resident", agent.resident},
          {"busy", agent.busy},
          {"tokens", agent.tokens},
          {"blocks", agent.blocks},
          {"kv_bytes_theoretical", agent.kv_bytes_theoretical},
          {"kv_bytes_allocated", agent.kv_bytes_allocated}};
}

// Field names are EngineStats' own, so the docs of one are the docs of both.
nlohmann::json stats_json(const EngineStats& stats) {
  nlohmann::json agents = nlohmann::json::array();
  for (const AgentStats& agent : stats.agents)
    agents.push_back(agent_json(agent));
  return {{"model", stats.model},
          {"parameters", stats.parameters},
          {"model_bytes", stats.model_bytes},
          {"kv_bytes_per_token", stats.kv_bytes_per_token},
          {"block_size", stats.block_size},
          {"blocks_total", stats.blocks_total},
          {"blocks_used", stats.blocks_used},
          {"kv_bytes_theoretical", stats.kv_bytes_theoretical},
          {"kv_bytes_allocated", stats.kv_bytes_allocated},
          {"padding_overhead_pct", stats.padding_overhead_pct},
          {"agents", std::move(agents)},
          {"requests_total", stats.requests_total},
          {"requests_failed", stats.requests_failed},
          {"prompt_tokens_total", stats.prompt_tokens_total},
          {"cached_tokens_total", stats.cached_tokens_total},
          {"generated_tokens_total", stats.generated_tokens_total},
          {"decode_steps_total", stats.decode_steps_total},
          {"running_requests", stats.running_requests},
          {"queued_requests", stats.queued_requests},
          {"kv_waiting_requests", stats.kv_waiting_requests},
          {"kv_waits_total", stats.kv_waits_total}};
}

}  // namespace

void add_stats_routes(Router& router, RouteContext& context) {
  Engine& engine = context.engine;
  router.add("GET", "/v1/stats", [&engine](const HttpRequest&, const auto&) {
    return json_response(200, stats_json(engine.stats()));
  });
}

}  // namespace sbench::server::http
