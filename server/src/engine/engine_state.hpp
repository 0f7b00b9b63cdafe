#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/agent_registry.hpp"
#include "engine/request.hpp"
#include "kv/kv_block_pool.hpp"
#include "model/model.hpp"
#include "sbench/server/engine.hpp"
#include "sbench/server/tokenizer.hpp"
#include "store/kv_file.hpp"

namespace sbench::server::engine {

struct EngineCounters {
  std::uint64_t requests_total = 0;
  std::uint64_t requests_failed = 0;
  std::uint64_t prompt_tokens_total = 0;
  std::uint64_t cached_tokens_total = 0;
  std::uint64_t generated_tokens_total = 0;
  std::uint64_t decode_steps_total = 0;
  std::uint64_t requests_scheduled_total = 0;
  double queue_wait_seconds_total = 0;  // accepted until scheduled, summed
  std::uint64_t kv_waits_total = 0;     // requests that waited for a free KV block
};

// Everything the engine's parts share. The first group is fixed after
// construction (the model is used only by the scheduler thread); the rest is
// guarded by `mutex`.
struct EngineState {
  explicit EngineState(const EngineOptions& options);

  const EngineOptions options;
  Model model;
  const ModelConfig config;
  const ByteTokenizer tokenizer;
  const KvFileModel file_model;
  const int max_context_tokens;
  KvBlockPool pool;  // thread-safe on its own

  mutable std::mutex mutex;
  std::condition_variable work_ready;  // queue, cancellations or shutdown for the scheduler
  AgentRegistry agents;
  std::deque<std::shared_ptr<Request>> queue;     // accepted, not yet scheduled
  std::vector<std::shared_ptr<Request>> running;  // in the scheduler's batch
  RequestId last_request = 0;
  bool stopping = false;
  EngineCounters counters;
};

}  // namespace sbench::server::engine
