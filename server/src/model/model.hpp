#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "sbench/server/model_config.hpp"

namespace sbench::server {

// Work for one sequence in a forward step: `tokens` are appended after the
// `start_pos` tokens whose keys/values already sit in `blocks`. The block table
// must already have room for start_pos + tokens.size() tokens.
struct SequenceStep {
  std::span<const int> tokens;
  int start_pos = 0;
  const std::vector<BlockId>* blocks = nullptr;
  bool want_logits = true;  // logits of the last token in `tokens`
};

// A Llama-style decoder (RMSNorm, RoPE, SwiGLU, grouped-query attention) with
// float32 weights. Not thread-safe: one scheduler thread owns it, and it uses
// its own worker threads inside forward().
class Model {
 public:
  // Weights generated deterministically from `seed` for a named preset.
  static Model from_preset(const std::string& preset, std::uint64_t seed, int threads);
  // A llama2.c checkpoint (.bin): 7-int header, negative vocab size meaning an
  // unshared classifier, then float32 tensors. Throws std::runtime_error
  // naming the file on a short or inconsistent file.
  static Model from_llama2c(const std::filesystem::path& file, int threads);

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const ModelConfig& config() const;
  // Hash of the configuration and every weight; cache files carry it so a
  // cache is never loaded into a different model.
  std::uint64_t fingerprint() const;
  std::size_t weight_bytes() const;
  int threads() const;
  // The vector kernel set it computes with (e.g. "avx512-fma").
  const char* kernels() const;

  // One step for a batch: the tokens of all entries pass through each weight
  // matrix in one batched multiply; attention runs per sequence over its
  // blocks. Writes one row of vocab_size logits per entry with want_logits,
  // in batch order. The result for a sequence does not depend on what else
  // is in the batch (bit for bit), so batching never changes tokens.
  void forward(std::span<const SequenceStep> batch, KvBlockPool& pool, std::vector<float>& logits);

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::server
