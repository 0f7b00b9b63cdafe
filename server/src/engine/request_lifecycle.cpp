#include "engine/request_lifecycle.hpp"

#include <algorithm>
#include <utility>

namespace sbench::server::engine {

void end_activity(EngineState& state, Agent& agent) {
  agent.activity = Agent::Activity::kIdle;
  agent.request = 0;
  if (agent.deleted || agent.anonymous()) {
    state.pool.release(agent.blocks);
    agent.kv_tokens = 0;
  }
}

void truncate_context(KvBlockPool& pool, Agent& agent, int tokens) {
  agent.tokens.resize(static_cast<std::size_t>(std::min(tokens, agent.context_tokens())));
  agent.kv_tokens = std::min(agent.kv_tokens, agent.context_tokens());
  const std::size_t keep = pool.blocks_for_tokens(static_cast<std::size_t>(agent.kv_tokens));
  if (agent.blocks.size() <= keep)
    return;
  std::vector<BlockId> unused(agent.blocks.begin() + static_cast<std::ptrdiff_t>(keep),
                              agent.blocks.end());
  agent.blocks.resize(keep);
  pool.release(unused);
}

void fail_request(EngineState& state, const std::shared_ptr<Request>& request,
                  const EngineError& error, Outbox& outbox) {
  Agent& agent = *request->agent;
  truncate_context(state.pool, agent, request->context_before);
  end_activity(state, agent);
  request->finished = true;
  ++state.counters.requests_failed;
  outbox.post(request, &GenerateCallbacks::on_error, error);
}

void finish_request(EngineState& state, const std::shared_ptr<Request>& request,
                    std::string finish_reason, Outbox& outbox) {
  const Clock::time_point now = Clock::now();
  GenerateResult& result = request->result;
  result.finish_reason = std::move(finish_reason);
  result.usage.completion_tokens = static_cast<int>(result.tokens.size());
  result.timings.queue_ms = elapsed_ms(request->accepted, request->scheduled);
  result.timings.prefill_ms = elapsed_ms(request->scheduled, request->first_token);
  result.timings.decode_ms = elapsed_ms(request->first_token, now);
  end_activity(state, *request->agent);
  request->finished = true;
  outbox.post(request, &GenerateCallbacks::on_done, std::move(result));
}

int kv_waiting_requests(const EngineState& state) {
  return static_cast<int>(
      std::count_if(state.running.begin(), state.running.end(),
                    [](const auto& request) { return request->kv_wait_since.has_value(); }));
}

std::shared_ptr<Request> find_request(const EngineState& state, RequestId id) {
  const auto matches = [id](const std::shared_ptr<Request>& request) {
    return request->id == id && !request->finished;
  };
  if (auto it = std::find_if(state.queue.begin(), state.queue.end(), matches);
      it != state.queue.end()) {
    return *it;
  }
  if (auto it = std::find_if(state.running.begin(), state.running.end(), matches);
      it != state.running.end()) {
    return *it;
  }
  return nullptr;
}

}  // namespace sbench::server::engine
