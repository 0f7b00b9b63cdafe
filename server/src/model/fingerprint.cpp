#include "model/fingerprint.hpp"

#include <xxhash.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace sbench::server::model {
namespace {

struct FreeState {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

class Hasher {
 public:
  Hasher() : state_(XXH3_createState()) {
    if (!state_ || XXH3_64bits_reset(state_.get()) != XXH_OK)
      throw std::runtime_error("xxHash: cannot create a hash state");
  }
  void add(const void* data, std::size_t bytes) { XXH3_64bits_update(state_.get(), data, bytes); }
  template <class T>
  void add_value(const T& value) {
    add(&value, sizeof value);
  }
  void add_floats(const std::vector<float>& values) {
    add(values.data(), values.size() * sizeof(float));
  }
  void add_matrix(const PackedMatrix& matrix) { add(matrix.data(), matrix.bytes()); }
  std::uint64_t digest() const { return XXH3_64bits_digest(state_.get()); }

 private:
  std::unique_ptr<XXH3_state_t, FreeState> state_;
};

}  // namespace

std::uint64_t fingerprint(const Weights& weights) {
  const ModelConfig& c = weights.config;
  Hasher hasher;
  for (int field : {c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size,
                    c.shared_classifier ? 1 : 0})
    hasher.add_value(field);
  hasher.add_value(c.rope_theta);
  hasher.add_value(c.norm_eps);
  hasher.add_floats(weights.token_embedding);
  for (const auto& layer : weights.layers) {
    hasher.add_floats(layer.attention_norm);
    hasher.add_matrix(layer.qkv);
    hasher.add_matrix(layer.attention_output);
    hasher.add_floats(layer.ffn_norm);
    hasher.add_matrix(layer.gate_up);
    hasher.add_matrix(layer.down);
  }
  hasher.add_floats(weights.final_norm);
  hasher.add_matrix(weights.classifier);
  return hasher.digest();
}

std::uint64_t cache_fingerprint(std::uint64_t model_fingerprint, KvDtype dtype) {
  if (dtype == KvDtype::f32)
    return model_fingerprint;
  Hasher hasher;
  hasher.add_value(model_fingerprint);
  hasher.add(kv_dtype_name(dtype), 3);
  return hasher.digest();
}

}  // namespace sbench::server::model
