#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "engine/agent.hpp"
#include "engine/sampler.hpp"
#include "sbench/server/engine.hpp"

namespace sbench::server::engine {

using Clock = std::chrono::steady_clock;

inline double elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// A generation from acceptance to its last callback.
struct Request {
  Request(RequestId request_id, std::shared_ptr<Agent> on_agent, GenerateParams generate_params,
          GenerateCallbacks generate_callbacks)
      : id(request_id),
        agent(std::move(on_agent)),
        params(std::move(generate_params)),
        callbacks(std::move(generate_callbacks)),
        sampler(params.temperature, params.seed),
        context_before(agent->context_tokens()),
        accepted(Clock::now()) {}

  RequestId id = 0;
  std::shared_ptr<Agent> agent;
  GenerateParams params;
  GenerateCallbacks callbacks;
  Sampler sampler;
  // The agent's context length before the prompt was appended: a failed
  // request cuts the context back to it, so failing never corrupts an agent.
  int context_before = 0;
  GenerateResult result;
  Clock::time_point accepted;
  Clock::time_point scheduled;
  Clock::time_point first_token;
  // Set by cancel or delete from another thread; the scheduler fails the
  // request at its next step boundary, when the model no longer uses its blocks.
  std::optional<EngineError> abort;
  bool finished = false;
};

}  // namespace sbench::server::engine
