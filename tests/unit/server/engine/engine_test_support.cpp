#include "unit/server/engine/engine_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

namespace sbench::server::testing {

namespace fs = std::filesystem;

EngineOptions tiny_options(const fs::path& cache_dir) {
  EngineOptions options;
  options.preset = "tiny";
  options.cache_dir = cache_dir;
  options.threads = 2;
  options.kv_memory_bytes = std::size_t{64} << 20;
  options.fsync_saves = false;  // durability is not under test; keeps tests fast
  return options;
}

const std::vector<int>& Outcome::tokens() const {
  static const std::vector<int> none;
  return result ? result->tokens : none;
}

struct PendingGeneration::Shared {
  std::mutex mutex;
  std::vector<int> streamed;
  std::promise<Outcome> promise;
  std::atomic<int> count{0};
};

PendingGeneration::PendingGeneration()
    : shared_(std::make_shared<Shared>()), done_(shared_->promise.get_future()) {}

GenerateCallbacks PendingGeneration::callbacks() const {
  GenerateCallbacks callbacks;
  callbacks.on_token = [shared = shared_](int token) {
    std::lock_guard lock(shared->mutex);
    shared->streamed.push_back(token);
    ++shared->count;
  };
  callbacks.on_done = [shared = shared_](GenerateResult result) {
    std::lock_guard lock(shared->mutex);
    shared->promise.set_value(Outcome{shared->streamed, std::move(result), std::nullopt, false});
  };
  callbacks.on_error = [shared = shared_](const EngineError& error) {
    std::lock_guard lock(shared->mutex);
    shared->promise.set_value(Outcome{shared->streamed, std::nullopt, error, false});
  };
  return callbacks;
}

Outcome PendingGeneration::wait(std::chrono::seconds timeout) {
  if (done_.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "generation did not finish within " << timeout.count() << " s";
    Outcome outcome;
    outcome.timed_out = true;
    return outcome;
  }
  return done_.get();
}

int PendingGeneration::streamed_so_far() const {
  return shared_->count.load();
}

EngineError::Kind thrown_kind(const std::function<void()>& call) {
  try {
    call();
  } catch (const EngineError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "no EngineError thrown";
  return EngineError::Kind::kShuttingDown;
}

Outcome generate_sync(Engine& engine, const std::string& agent, const GenerateParams& params) {
  PendingGeneration pending;
  engine.generate(agent, params, pending.callbacks());
  return pending.wait();
}

GenerateParams greedy(std::vector<int> prompt, int max_tokens) {
  GenerateParams params;
  params.prompt = std::move(prompt);
  params.max_tokens = max_tokens;
  params.ignore_eos = true;  // fixed lengths make the comparisons exact
  return params;
}

std::vector<int> text_tokens(const Engine& engine, const std::string& text) {
  return engine.tokenizer().encode(text);
}

std::vector<int> concat(std::vector<int> a, const std::vector<int>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace sbench::server::testing
