#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "connection_counts.hpp"
#include "router.hpp"
#include "sbench/server/engine.hpp"

namespace sbench::server::http {

// What every route needs besides the request.
struct RouteContext {
  Engine& engine;
  std::int64_t started_at;  // Unix seconds: "created" of the model in /v1/models
  // Numbers the ids of generation responses ("gen-7", "cmpl-8"). Ours, not the
  // engine's RequestId: a response may be written before generate() returns it.
  std::atomic<std::uint64_t> next_response_number{1};
  ConnectionCounts connections{};  // the sessions count, /metrics shows

  std::string next_response_id(const std::string& prefix) {
    return prefix + std::to_string(next_response_number++);
  }
};

// Every route of the API (docs/SERVER_API.md).
Router make_api_router(RouteContext& context);

void add_info_routes(Router& router, RouteContext& context);        // /health, /v1/models
void add_agent_routes(Router& router, RouteContext& context);       // create, delete, cache files
void add_generate_route(Router& router, RouteContext& context);     // /v1/agents/{id}/generate
void add_completion_routes(Router& router, RouteContext& context);  // /v1/completions
void add_chat_route(Router& router, RouteContext& context);         // /v1/chat/completions
void add_tokenize_route(Router& router, RouteContext& context);     // /tokenize
void add_stats_routes(Router& router, RouteContext& context);       // /v1/stats
void add_metrics_route(Router& router, RouteContext& context);      // /metrics

// An agent id from the path: 400 unless it is a valid id (Engine::valid_agent_id).
std::string checked_agent_id(const std::string& segment);

}  // namespace sbench::server::http
