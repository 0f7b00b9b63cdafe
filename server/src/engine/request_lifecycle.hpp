#pragma once

#include <memory>
#include <string>

#include "engine/engine_state.hpp"
#include "engine/outbox.hpp"

namespace sbench::server::engine {

// These run under the engine mutex; callbacks go to the outbox.

// Ends an agent's busy period. A deleted agent or a temporary sequence has no
// further use for its blocks, so they go back to the pool here.
void end_activity(EngineState& state, Agent& agent);

// Cuts the context to `tokens` and returns blocks no longer needed.
void truncate_context(KvBlockPool& pool, Agent& agent, int tokens);

// The agent's context goes back to what it was before the request.
void fail_request(EngineState& state, const std::shared_ptr<Request>& request,
                  const EngineError& error, Outbox& outbox);
void finish_request(EngineState& state, const std::shared_ptr<Request>& request,
                    std::string finish_reason, Outbox& outbox);

// A queued or running request; null when it has already ended.
std::shared_ptr<Request> find_request(const EngineState& state, RequestId id);

// Running requests that wait for a free KV block.
int kv_waiting_requests(const EngineState& state);

}  // namespace sbench::server::engine
