#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbench::server {

// Element type of the KV cache. f16, as llama.cpp and vLLM keep theirs by
// default, halves the memory per token and the size of cache files; f32
// keeps the keys and values exactly as computed.
enum class KvDtype : std::uint8_t { f16, f32 };

std::size_t kv_dtype_bytes(KvDtype dtype);
const char* kv_dtype_name(KvDtype dtype);  // "f16" or "f32"
std::optional<KvDtype> parse_kv_dtype(std::string_view name);

// Shape of a Llama-style decoder. Field names follow llama2.c's checkpoint
// header so a `.bin` file maps onto this struct one to one.
struct ModelConfig {
  std::string name;    // preset name or checkpoint file stem
  int dim = 0;         // residual stream width
  int hidden_dim = 0;  // SwiGLU inner width
  int n_layers = 0;
  int n_heads = 0;     // query heads
  int n_kv_heads = 0;  // key/value heads (grouped-query attention when < n_heads)
  int vocab_size = 0;
  int max_seq_len = 0;            // longest context an agent may hold
  bool shared_classifier = true;  // output projection tied to the embedding
  float rope_theta = 10000.0f;
  float norm_eps = 1e-5f;

  int head_dim() const { return dim / n_heads; }
  int kv_dim() const { return n_kv_heads * head_dim(); }
  // Bytes one token occupies in the KV cache (keys and values, all layers).
  std::size_t kv_bytes_per_token(KvDtype dtype) const {
    return std::size_t{2} * n_layers * kv_dim() * kv_dtype_bytes(dtype);
  }
  std::size_t parameter_count() const;
};

// Named presets with deterministic weights: "tiny" (tests) and "small" (~100M
// parameters, the benchmark default). Throws std::invalid_argument naming the
// known presets when `name` is not one of them.
ModelConfig preset_config(const std::string& name);

}  // namespace sbench::server
