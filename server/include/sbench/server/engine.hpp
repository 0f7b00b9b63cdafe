#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sbench/server/engine_error.hpp"
#include "sbench/server/model_config.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server {

struct EngineOptions {
  std::string preset = "small";
  std::filesystem::path model_file;  // llama2.c checkpoint; overrides `preset` when set
  std::uint64_t seed = 0;            // weight seed for presets
  std::filesystem::path cache_dir = "sbench-cache";
  int threads = 0;                                     // 0: one per hardware thread
  KvDtype kv_dtype = KvDtype::f16;                     // element type of the KV cache
  int block_size = 16;                                 // tokens per KV block
  std::size_t kv_memory_bytes = std::size_t{2} << 30;  // KV pool limit
  int max_agents = 64;
  int max_context_tokens = 0;  // per agent; 0: the model's max_seq_len
  int max_new_tokens = 4096;   // per request
  int prefill_chunk = 256;     // prompt tokens per sequence per step
  // Sequences one step runs at most; the rest wait in the queue. 0: no limit
  // (continuous batching of everything admitted). 1 makes a server that
  // serialises requests, like Ollama with OLLAMA_NUM_PARALLEL=1.
  int max_batch = 0;
  // A sequence that needs a KV block when none is free waits for one (an
  // agent deleted or unloaded, a completion ending) up to kv_wait_timeout_ms,
  // with at most kv_wait_queue sequences waiting at once; past either it
  // fails with kCapacity. 0 for either: fail at once.
  int kv_wait_timeout_ms = 30'000;
  int kv_wait_queue = 64;
  bool fsync_saves = true;
};

struct GenerateParams {
  std::vector<int> prompt;  // appended to the agent's context
  // The prompt is the agent's whole context instead (chat clients resend the
  // conversation): the KV of the longest prefix it shares with what the
  // agent holds is kept, the rest is dropped and the remainder prefilled.
  // An unknown agent is created.
  bool prompt_is_whole_context = false;
  int max_tokens = 16;
  bool ignore_eos = false;
  float temperature = 0.0f;  // 0: greedy
  float top_p = 1.0f;        // nucleus sampling when temperature > 0; 1: off
  std::uint64_t seed = 0;    // sampling seed when temperature > 0
  // Generation ends ("stop") once its bytes contain one of these; the tokens
  // that completed it are still generated and counted.
  std::vector<std::string> stop;
};

struct Usage {
  int prompt_tokens = 0;      // tokens of this request's prompt
  int completion_tokens = 0;  // tokens generated
  int cached_tokens = 0;      // context tokens reused from the KV cache (not recomputed)
};

struct Timings {
  double queue_ms = 0;    // accepted until first scheduled
  double prefill_ms = 0;  // first scheduled until first token sampled
  double decode_ms = 0;   // first token until last token
};

struct GenerateResult {
  std::vector<int> tokens;
  std::string finish_reason;  // "length" (max_tokens) or "stop" (EOS)
  Usage usage;
  Timings timings;
};

// Called on the scheduler thread: they must be quick and must not call back
// into the engine (hand the data to another thread instead).
struct GenerateCallbacks {
  std::function<void(int token)> on_token;
  std::function<void(GenerateResult)> on_done;
  std::function<void(const EngineError&)> on_error;
};

struct CacheFileResult {
  int tokens = 0;
  std::size_t bytes = 0;  // file size
  double ms = 0;          // wall time of the save or load itself
  std::filesystem::path path;
};

struct AgentStats {
  std::string id;
  bool resident = false;  // KV in memory (false after unload)
  bool busy = false;      // a generation is running
  int tokens = 0;
  std::size_t blocks = 0;
  std::size_t kv_bytes_theoretical = 0;
  std::size_t kv_bytes_allocated = 0;
};

struct EngineStats {
  std::string model;
  std::size_t parameters = 0;
  std::size_t model_bytes = 0;
  std::size_t kv_bytes_per_token = 0;
  int block_size = 0;
  std::size_t blocks_total = 0;
  std::size_t blocks_used = 0;
  std::size_t kv_bytes_theoretical = 0;  // tokens held x bytes per token
  std::size_t kv_bytes_allocated = 0;    // blocks used x block bytes
  double padding_overhead_pct = 0;       // (allocated - theoretical) / allocated
  std::vector<AgentStats> agents;
  // Running totals since start, for /metrics.
  std::uint64_t requests_total = 0;
  std::uint64_t requests_failed = 0;
  std::uint64_t prompt_tokens_total = 0;
  std::uint64_t cached_tokens_total = 0;
  std::uint64_t generated_tokens_total = 0;
  std::uint64_t decode_steps_total = 0;
  std::uint64_t requests_scheduled_total = 0;  // left the queue for the batch
  double queue_wait_seconds_total = 0;         // their waits in the queue, summed
  int running_requests = 0;
  int queued_requests = 0;
  int kv_waiting_requests = 0;       // running, but waiting for a free KV block
  std::uint64_t kv_waits_total = 0;  // requests that ever waited for a KV block
};

using RequestId = std::uint64_t;

// Owns the model, the KV block pool, the agents and the scheduler thread that
// runs continuous batching. Every public method is thread-safe.
class Engine {
 public:
  explicit Engine(const EngineOptions& options);  // loads the model; throws on bad options
  ~Engine();                                      // fails pending requests, joins the scheduler
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const ModelConfig& config() const;
  const ByteTokenizer& tokenizer() const;
  const EngineOptions& options() const;
  std::uint64_t fingerprint() const;
  // The model's vector kernel set: the CPU's fastest, or $SBENCH_KERNELS.
  std::string kernels() const;

  // Returns the new agent's id (generated when `id` is empty).
  std::string create_agent(const std::optional<std::string>& id);
  void delete_agent(const std::string& id);  // also cancels its running request

  // Queues a generation on an agent's context; the prompt is appended to what
  // the agent already holds and only the new tokens are prefilled. Throws
  // EngineError for problems known at once (unknown or busy agent, limits).
  RequestId generate(const std::string& agent_id, GenerateParams params,
                     GenerateCallbacks callbacks);
  // A stateless generation on a temporary sequence (OpenAI /v1/completions).
  RequestId complete(GenerateParams params, GenerateCallbacks callbacks);
  // Stops a request (client went away); its on_error fires with kConflict.
  void cancel(RequestId request);

  // Synchronous cache operations on an idle agent.
  CacheFileResult save(const std::string& agent_id);
  std::size_t unload(const std::string& agent_id);    // frees the KV; returns bytes freed
  CacheFileResult load(const std::string& agent_id);  // creates the agent if unknown
  // Loads the file `source_id` saved into `agent_id`, which gets its own copy
  // of that context (as llama.cpp restores any slot file into any slot).
  CacheFileResult load(const std::string& agent_id, const std::string& source_id);

  // The agent's whole context (prompts and generated tokens), so a resent
  // conversation can be matched against it; nullopt for an unknown agent.
  std::optional<std::vector<int>> agent_tokens(const std::string& agent_id) const;

  EngineStats stats() const;
  void shutdown();  // idempotent; fails queued and running requests with kShuttingDown

  static bool valid_agent_id(const std::string& id);  // [A-Za-z0-9_-]{1,64}

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::server
