#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/engine_state.hpp"
#include "engine/outbox.hpp"

namespace sbench::server::engine {

// The one thread that owns the model and runs continuous batching: every step
// feeds each decoding sequence one token and each prefilling sequence up to
// prefill_chunk prompt tokens through a single Model::forward, so long prompts
// are chunked and never stall the sequences that are decoding.
class Scheduler {
 public:
  explicit Scheduler(EngineState& state);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Fails every queued and running request with kShuttingDown and joins the
  // thread after its current step. Idempotent.
  void stop();

 private:
  // One sequence's share of a step.
  struct Work {
    std::shared_ptr<Request> request;
    int tokens = 0;
    bool samples = false;  // the step reaches the end of its context: sample a token
  };

  void run();
  // Enters and leaves with the mutex held; releases it for the forward pass
  // and for the callbacks. False when no sequence could run: each running
  // one waits for a KV block.
  bool run_step(std::unique_lock<std::mutex>& lock);
  void admit(Outbox& outbox);
  std::vector<Work> plan_step(Outbox& outbox);
  // `request` found no free KV block: starts or continues its wait, or
  // returns why it fails instead (the wait queue is full, or it timed out).
  std::optional<EngineError> wait_for_blocks(Request& request, Clock::time_point now);
  // When the first KV wait times out (max() when none waits).
  Clock::time_point next_kv_deadline() const;
  std::optional<EngineError> forward(const std::vector<Work>& step);
  void apply(const std::vector<Work>& step, Outbox& outbox);
  // Adds the token's bytes to the request's stop window: true once a stop
  // sequence is complete.
  static bool completes_stop_sequence(Request& request, const std::string& token_text);
  void sample_into(const std::shared_ptr<Request>& request, std::span<const float> logits,
                   Outbox& outbox);
  void drop_finished();
  void fail_all(const EngineError& error, Outbox& outbox);

  EngineState& state_;
  std::vector<float> logits_;
  std::thread thread_;  // last member: starts once everything it uses exists
};

}  // namespace sbench::server::engine
