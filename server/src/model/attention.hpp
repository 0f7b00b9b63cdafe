#pragma once

#include <span>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "model/kernels.hpp"
#include "model/model.hpp"
#include "model/thread_pool.hpp"

namespace sbench::server::model {

// Causal grouped-query attention of one layer for every new token of a batch,
// reading keys and values from each sequence's KV blocks (the new tokens'
// must already be stored). Row r of `qkv` holds [q | k | v] of the r-th new
// token, sequences in batch order starting at first_row[s]; row r of `out`
// receives its attention output [n_heads * head_dim]. Each (query token, head)
// goes through the same operations in the same order whatever else is
// computed beside it, so a sequence's result depends neither on the rest of
// the batch nor on how its prompt was chunked.
//
// The queries of a few consecutive tokens and of every head sharing a KV head
// form a tile: each KV block is read (and converted to f32) once per tile and
// then used by all of its queries from L1, in a single pass with a running
// softmax.
class PagedAttention {
 public:
  PagedAttention(const ModelConfig& config, const Kernels& kernels, ThreadPool& pool);

  void run(std::span<const SequenceStep> batch, std::span<const int> first_row,
           const KvBlockPool& kv, int layer, const float* qkv, float* out);

 private:
  // What one worker computes in: one KV block's head slice as f32 (keys and
  // values), one query's scores of it, and each query's running softmax.
  struct Scratch {
    std::vector<float> keys;
    std::vector<float> values;
    std::vector<float> scores;
    std::vector<float> running_max;
    std::vector<float> running_sum;
  };

  void attend(const SequenceStep& step, int row, int kv_head, const KvBlockPool& kv, int layer,
              const float* qkv, float* out, Scratch& scratch) const;

  const ModelConfig& config_;
  const Kernels& kernels_;
  ThreadPool& pool_;
  int tile_tokens_;               // consecutive tokens whose queries share a KV read
  std::vector<Scratch> scratch_;  // per worker
};

}  // namespace sbench::server::model
