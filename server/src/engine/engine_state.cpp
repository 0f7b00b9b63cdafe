#include "engine/engine_state.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "model/fingerprint.hpp"

namespace sbench::server::engine {
namespace {

const EngineOptions& validated(const EngineOptions& options) {
  const auto require = [](bool ok, const char* what) {
    if (!ok)
      throw std::invalid_argument(what);
  };
  require(options.block_size > 0, "block_size must be positive");
  require(options.prefill_chunk > 0, "prefill_chunk must be positive");
  require(options.max_agents > 0, "max_agents must be positive");
  require(options.max_new_tokens > 0, "max_new_tokens must be positive");
  require(options.max_context_tokens >= 0, "max_context_tokens must not be negative");
  require(options.threads >= 0, "threads must not be negative");
  require(options.max_batch >= 0, "max_batch must not be negative");
  return options;
}

Model load_model(const EngineOptions& options) {
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return options.model_file.empty() ? Model::from_preset(options.preset, options.seed, threads)
                                    : Model::from_llama2c(options.model_file, threads);
}

std::size_t pool_blocks(const EngineOptions& options, const ModelConfig& config) {
  const std::size_t block_bytes = config.kv_bytes_per_token(options.kv_dtype) * options.block_size;
  return std::max<std::size_t>(1, options.kv_memory_bytes / block_bytes);
}

// RoPE and the model's tables stop at max_seq_len, so a configured limit can
// only lower it.
int context_limit(const EngineOptions& options, const ModelConfig& config) {
  return options.max_context_tokens > 0 ? std::min(options.max_context_tokens, config.max_seq_len)
                                        : config.max_seq_len;
}

}  // namespace

EngineState::EngineState(const EngineOptions& engine_options)
    : options(validated(engine_options)),
      model(load_model(options)),
      config(model.config()),
      tokenizer(config.vocab_size),
      file_model{.fingerprint = model::cache_fingerprint(model.fingerprint(), options.kv_dtype),
                 .n_layers = config.n_layers,
                 .kv_dim = config.kv_dim(),
                 .vocab_size = config.vocab_size},
      max_context_tokens(context_limit(options, config)),
      pool(config, options.kv_dtype, options.block_size, pool_blocks(options, config)),
      agents(options.max_agents) {}

}  // namespace sbench::server::engine
