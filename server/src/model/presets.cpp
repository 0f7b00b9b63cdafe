#include <stdexcept>

#include "sbench/server/model_config.hpp"

namespace sbench::server {
namespace {

ModelConfig shape(const std::string& name, int dim, int hidden_dim, int n_layers, int n_heads,
                  int n_kv_heads, int max_seq_len) {
  ModelConfig config;
  config.name = name;
  config.dim = dim;
  config.hidden_dim = hidden_dim;
  config.n_layers = n_layers;
  config.n_heads = n_heads;
  config.n_kv_heads = n_kv_heads;
  config.vocab_size = 259;  // the byte tokenizer's ids and nothing more
  config.max_seq_len = max_seq_len;
  // With random weights a tied classifier scores each token's own embedding
  // highest, so greedy decoding would repeat the current token forever.
  config.shared_classifier = false;
  return config;
}

}  // namespace

std::size_t ModelConfig::parameter_count() const {
  const std::size_t d = dim;
  const std::size_t per_layer = 2 * d               // the two RMSNorm gains
                                + 2 * d * d         // wq, wo
                                + 2 * d * kv_dim()  // wk, wv
                                + 3 * d * static_cast<std::size_t>(hidden_dim);  // w1, w2, w3
  const std::size_t embedding = static_cast<std::size_t>(vocab_size) * d;
  return embedding + n_layers * per_layer + d + (shared_classifier ? 0 : embedding);
}

ModelConfig preset_config(const std::string& name) {
  // tiny: fast enough for unit tests under sanitizers (~3M parameters).
  if (name == "tiny")
    return shape(name, 256, 688, 4, 8, 4, 4096);
  // small: ~100M parameters, so decode is memory-bandwidth bound like a real LLM.
  if (name == "small")
    return shape(name, 768, 2048, 16, 12, 4, 16384);
  throw std::invalid_argument("unknown model preset '" + name + "' (known presets: tiny, small)");
}

}  // namespace sbench::server
