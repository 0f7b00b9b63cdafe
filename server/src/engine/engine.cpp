#include "sbench/server/engine.hpp"

#include <algorithm>
#include <mutex>

#include "engine/agent_checks.hpp"
#include "engine/cache_operations.hpp"
#include "engine/engine_state.hpp"
#include "engine/engine_stats.hpp"
#include "engine/request_lifecycle.hpp"
#include "engine/request_validation.hpp"
#include "engine/scheduler.hpp"

namespace sbench::server {

using engine::Agent;
using engine::Request;
using Kind = EngineError::Kind;

struct Engine::Impl {
  explicit Impl(const EngineOptions& options) : state(options), scheduler(state) {}

  // Called with the mutex held.
  void require_running() const {
    if (state.stopping)
      throw EngineError(Kind::kShuttingDown, "the server is shutting down");
  }
  // `reused_prefix`: context tokens a whole-context prompt shared with the
  // agent, which usage counts as prompt tokens too.
  RequestId enqueue(const std::shared_ptr<Agent>& agent, GenerateParams params,
                    GenerateCallbacks callbacks, int reused_prefix = 0);

  engine::EngineState state;
  engine::Scheduler scheduler;  // after `state`: stops before the state goes away
};

RequestId Engine::Impl::enqueue(const std::shared_ptr<Agent>& agent, GenerateParams params,
                                GenerateCallbacks callbacks, int reused_prefix) {
  auto request = std::make_shared<Request>(++state.last_request, agent, std::move(params),
                                           std::move(callbacks));
  const std::vector<int>& prompt = request->params.prompt;
  agent->tokens.insert(agent->tokens.end(), prompt.begin(), prompt.end());
  // Logits come from feeding at least one token, so a context whose KV is
  // complete (no prompt, cache loaded in full) recomputes its last token.
  if (agent->kv_tokens == agent->context_tokens())
    --agent->kv_tokens;
  agent->activity = Agent::Activity::kGenerating;
  agent->request = request->id;

  Usage& usage = request->result.usage;
  usage.prompt_tokens = static_cast<int>(prompt.size()) + reused_prefix;
  usage.cached_tokens = agent->kv_tokens;

  engine::EngineCounters& counters = state.counters;
  ++counters.requests_total;
  counters.prompt_tokens_total += static_cast<std::uint64_t>(usage.prompt_tokens);
  counters.cached_tokens_total += static_cast<std::uint64_t>(usage.cached_tokens);
  state.queue.push_back(request);
  state.work_ready.notify_one();
  return request->id;
}

Engine::Engine(const EngineOptions& options) : impl_(std::make_unique<Impl>(options)) {
  // A server killed mid-save leaves its temp file behind; nothing else would
  // ever remove it.
  remove_orphan_temp_files(options.cache_dir);
}

Engine::~Engine() {
  shutdown();
}

const ModelConfig& Engine::config() const {
  return impl_->state.config;
}
const ByteTokenizer& Engine::tokenizer() const {
  return impl_->state.tokenizer;
}
const EngineOptions& Engine::options() const {
  return impl_->state.options;
}
std::uint64_t Engine::fingerprint() const {
  return impl_->state.file_model.fingerprint;
}

std::string Engine::kernels() const {
  return impl_->state.model.kernels();
}

std::string Engine::create_agent(const std::optional<std::string>& id) {
  std::lock_guard lock(impl_->state.mutex);
  return impl_->state.agents.create(id)->id;
}

void Engine::delete_agent(const std::string& id) {
  engine::EngineState& state = impl_->state;
  std::lock_guard lock(state.mutex);
  const auto agent = state.agents.get(id);
  if (agent->activity == Agent::Activity::kIdle) {
    state.pool.release(agent->blocks);
    state.work_ready.notify_one();  // a request waiting for KV blocks may go on
  } else {
    // Its blocks may be in use by a forward pass or a file operation right
    // now; the owner frees them when it sees the flag.
    agent->deleted = true;
    if (const auto request = engine::find_request(state, agent->request)) {
      request->abort = EngineError(Kind::kConflict, "agent " + id + " was deleted");
      state.work_ready.notify_one();
    }
  }
  state.agents.erase(*agent);
}

RequestId Engine::generate(const std::string& agent_id, GenerateParams params,
                           GenerateCallbacks callbacks) {
  engine::EngineState& state = impl_->state;
  std::lock_guard lock(state.mutex);
  impl_->require_running();
  auto agent = state.agents.find(agent_id);
  if (!agent && params.prompt_is_whole_context) {
    // Only a request that can run creates its agent: refused ones must not
    // fill the agent table.
    engine::validate_generate_params(state, params, 0);
    agent = state.agents.create(agent_id);
  }
  if (!agent)
    agent = state.agents.get(agent_id);  // throws: unknown agent
  engine::require_idle(*agent);
  engine::require_resident(*agent);
  if (!params.prompt_is_whole_context) {
    engine::validate_generate_params(state, params, agent->context_tokens());
    return impl_->enqueue(agent, std::move(params), std::move(callbacks));
  }
  // Keep the shared prefix, but feed at least one prompt token: its logits
  // sample the first new token.
  const std::vector<int>& whole = params.prompt;
  const std::size_t limit = std::min(agent->tokens.size(), whole.empty() ? 0 : whole.size() - 1);
  const auto shared = static_cast<int>(
      std::mismatch(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(limit),
                    agent->tokens.begin())
          .first -
      whole.begin());
  params.prompt.erase(params.prompt.begin(), params.prompt.begin() + shared);
  engine::validate_generate_params(state, params, shared);
  engine::truncate_context(state.pool, *agent, shared);
  return impl_->enqueue(agent, std::move(params), std::move(callbacks), shared);
}

RequestId Engine::complete(GenerateParams params, GenerateCallbacks callbacks) {
  std::lock_guard lock(impl_->state.mutex);
  impl_->require_running();
  engine::validate_generate_params(impl_->state, params, 0);
  return impl_->enqueue(std::make_shared<Agent>(), std::move(params), std::move(callbacks));
}

void Engine::cancel(RequestId id) {
  engine::EngineState& state = impl_->state;
  std::lock_guard lock(state.mutex);
  if (const auto request = engine::find_request(state, id); request && !request->abort) {
    request->abort =
        EngineError(Kind::kConflict, "request " + std::to_string(id) + " was cancelled");
    state.work_ready.notify_one();
  }
}

CacheFileResult Engine::save(const std::string& agent_id) {
  return engine::save_agent(impl_->state, agent_id);
}

std::size_t Engine::unload(const std::string& agent_id) {
  return engine::unload_agent(impl_->state, agent_id);
}

CacheFileResult Engine::load(const std::string& agent_id) {
  return engine::load_agent(impl_->state, agent_id, agent_id);
}

CacheFileResult Engine::load(const std::string& agent_id, const std::string& source_id) {
  return engine::load_agent(impl_->state, agent_id, source_id);
}

std::optional<std::vector<int>> Engine::agent_tokens(const std::string& agent_id) const {
  std::lock_guard lock(impl_->state.mutex);
  const auto agent = impl_->state.agents.find(agent_id);
  if (!agent)
    return std::nullopt;
  return agent->tokens;
}

EngineStats Engine::stats() const {
  return engine::collect_stats(impl_->state);
}

void Engine::shutdown() {
  impl_->scheduler.stop();
}

bool Engine::valid_agent_id(const std::string& id) {
  return engine::AgentRegistry::valid_id(id);
}

}  // namespace sbench::server
