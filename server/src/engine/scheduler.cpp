#include "engine/scheduler.hpp"

#include <algorithm>

#include "engine/request_lifecycle.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::engine {
namespace {

EngineError kv_cache_full(const Agent& agent, const std::string& why) {
  return EngineError(EngineError::Kind::kCapacity,
                     "KV cache full: no free block for " +
                         (agent.anonymous() ? "the completion" : "agent " + agent.id) + " " + why +
                         "; unload or delete idle agents");
}

}  // namespace

Scheduler::Scheduler(EngineState& state) : state_(state), thread_([this] { run(); }) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::stop() {
  {
    std::lock_guard lock(state_.mutex);
    state_.stopping = true;
  }
  state_.work_ready.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void Scheduler::run() {
  std::unique_lock lock(state_.mutex);
  for (;;) {
    state_.work_ready.wait(lock, [this] {
      return state_.stopping || !state_.queue.empty() || !state_.running.empty();
    });
    if (state_.stopping)
      break;
    // Every running sequence waits for a KV block: sleep until blocks are
    // freed (delete, unload and new requests notify) or a wait times out.
    if (!run_step(lock))
      state_.work_ready.wait_until(lock, next_kv_deadline());
  }
  Outbox outbox;
  fail_all(EngineError(EngineError::Kind::kShuttingDown, "the server is shutting down"), outbox);
  lock.unlock();
  outbox.deliver();
}

bool Scheduler::run_step(std::unique_lock<std::mutex>& lock) {
  Outbox outbox;
  admit(outbox);
  const std::vector<Work> step = plan_step(outbox);
  const bool ran = !step.empty() || state_.running.empty();
  if (!step.empty()) {
    lock.unlock();
    outbox.deliver();
    const std::optional<EngineError> failure = forward(step);
    lock.lock();
    ++state_.counters.decode_steps_total;
    if (failure) {
      for (const Work& work : step)
        fail_request(state_, work.request, *failure, outbox);
    } else {
      apply(step, outbox);
    }
    drop_finished();
  }
  lock.unlock();
  outbox.deliver();
  lock.lock();
  return ran;
}

void Scheduler::admit(Outbox& outbox) {
  const Clock::time_point now = Clock::now();
  const auto max_batch = static_cast<std::size_t>(state_.options.max_batch);
  while (!state_.queue.empty() && (max_batch == 0 || state_.running.size() < max_batch)) {
    std::shared_ptr<Request> request = std::move(state_.queue.front());
    state_.queue.pop_front();
    if (request->abort) {
      fail_request(state_, request, *request->abort, outbox);
      continue;
    }
    request->scheduled = now;
    ++state_.counters.requests_scheduled_total;
    state_.counters.queue_wait_seconds_total +=
        std::chrono::duration<double>(now - request->accepted).count();
    state_.running.push_back(std::move(request));
  }
}

std::vector<Scheduler::Work> Scheduler::plan_step(Outbox& outbox) {
  const Clock::time_point now = Clock::now();
  std::vector<Work> step;
  for (const auto& request : state_.running) {
    if (request->abort) {
      fail_request(state_, request, *request->abort, outbox);
      continue;
    }
    Agent& agent = *request->agent;
    const int pending = agent.context_tokens() - agent.kv_tokens;
    const int tokens = std::min(pending, state_.options.prefill_chunk);
    const std::size_t needed =
        state_.pool.blocks_for_tokens(static_cast<std::size_t>(agent.kv_tokens + tokens));
    if (needed > agent.blocks.size() &&
        !state_.pool.allocate(needed - agent.blocks.size(), agent.blocks)) {
      if (const std::optional<EngineError> failure = wait_for_blocks(*request, now))
        fail_request(state_, request, *failure, outbox);
      continue;
    }
    request->kv_wait_since.reset();
    step.push_back(Work{request, tokens, tokens == pending});
  }
  drop_finished();
  return step;
}

std::optional<EngineError> Scheduler::wait_for_blocks(Request& request, Clock::time_point now) {
  const EngineOptions& options = state_.options;
  if (request.kv_wait_since) {
    if (now - *request.kv_wait_since < std::chrono::milliseconds(options.kv_wait_timeout_ms))
      return std::nullopt;
    return kv_cache_full(*request.agent, "within the " +
                                             std::to_string(options.kv_wait_timeout_ms) +
                                             " ms it may wait (--kv-wait-timeout-ms)");
  }
  const int waiting = kv_waiting_requests(state_);
  if (options.kv_wait_timeout_ms <= 0 || waiting >= options.kv_wait_queue) {
    return kv_cache_full(*request.agent, "and " + std::to_string(waiting) +
                                             " requests already wait for one (--kv-wait-queue " +
                                             std::to_string(options.kv_wait_queue) + ")");
  }
  request.kv_wait_since = now;
  ++state_.counters.kv_waits_total;
  return std::nullopt;
}

Clock::time_point Scheduler::next_kv_deadline() const {
  Clock::time_point next = Clock::time_point::max();
  for (const auto& request : state_.running) {
    if (request->kv_wait_since)
      next = std::min(next, *request->kv_wait_since +
                                std::chrono::milliseconds(state_.options.kv_wait_timeout_ms));
  }
  return next;
}

// Runs without the mutex: the sequences in `step` belong to the scheduler
// while they generate, and everyone else only reads them.
std::optional<EngineError> Scheduler::forward(const std::vector<Work>& step) {
  std::vector<SequenceStep> batch;
  batch.reserve(step.size());
  for (const Work& work : step) {
    const Agent& agent = *work.request->agent;
    batch.push_back(SequenceStep{.tokens = std::span<const int>(agent.tokens)
                                               .subspan(static_cast<std::size_t>(agent.kv_tokens),
                                                        static_cast<std::size_t>(work.tokens)),
                                 .start_pos = agent.kv_tokens,
                                 .blocks = &agent.blocks,
                                 .want_logits = work.samples});
  }
  try {
    state_.model.forward(batch, state_.pool, logits_);
    return std::nullopt;
  } catch (const std::exception& error) {
    return EngineError(EngineError::Kind::kIo,
                       std::string("model forward failed: ") + error.what());
  }
}

void Scheduler::apply(const std::vector<Work>& step, Outbox& outbox) {
  const auto vocab = static_cast<std::size_t>(state_.config.vocab_size);
  std::size_t row = 0;
  for (const Work& work : step) {
    const std::span<const float> logits =
        work.samples ? std::span<const float>(logits_).subspan(row++ * vocab, vocab)
                     : std::span<const float>();
    const auto& request = work.request;
    if (request->abort) {
      fail_request(state_, request, *request->abort, outbox);
      continue;
    }
    request->agent->kv_tokens += work.tokens;
    if (work.samples)
      sample_into(request, logits, outbox);
  }
}

bool Scheduler::completes_stop_sequence(Request& request, const std::string& token_text) {
  const std::vector<std::string>& stops = request.params.stop;
  if (stops.empty())
    return false;
  std::string& window = request.stop_window;
  window += token_text;
  bool found = false;
  std::size_t longest = 0;
  for (const std::string& stop : stops) {
    found = found || window.find(stop) != std::string::npos;
    longest = std::max(longest, stop.size());
  }
  // Only a stop that ends in a later token matters: keep what it could start with.
  if (window.size() >= longest)
    window.erase(0, window.size() - (longest - 1));
  return found;
}

void Scheduler::sample_into(const std::shared_ptr<Request>& request, std::span<const float> logits,
                            Outbox& outbox) {
  const int token = request->sampler.sample(logits);
  std::vector<int>& generated = request->result.tokens;
  if (generated.empty())
    request->first_token = Clock::now();
  generated.push_back(token);
  request->agent->tokens.push_back(token);
  ++state_.counters.generated_tokens_total;
  outbox.post(request, &GenerateCallbacks::on_token, token);

  if ((token == ByteTokenizer::kEos && !request->params.ignore_eos) ||
      completes_stop_sequence(*request, state_.tokenizer.decode(token))) {
    finish_request(state_, request, "stop", outbox);
  } else if (static_cast<int>(generated.size()) >= request->params.max_tokens) {
    finish_request(state_, request, "length", outbox);
  }
}

void Scheduler::drop_finished() {
  std::erase_if(state_.running, [](const auto& request) { return request->finished; });
}

void Scheduler::fail_all(const EngineError& error, Outbox& outbox) {
  for (const auto& request : state_.queue)
    fail_request(state_, request, error, outbox);
  for (const auto& request : state_.running)
    fail_request(state_, request, error, outbox);
  state_.queue.clear();
  state_.running.clear();
}

}  // namespace sbench::server::engine
