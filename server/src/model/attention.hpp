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
// is computed alone in a fixed order, so a sequence's result depends neither
// on the rest of the batch nor on how its prompt was chunked.
class PagedAttention {
 public:
  PagedAttention(const ModelConfig& config, const Kernels& kernels, ThreadPool& pool);

  void run(std::span<const SequenceStep> batch, std::span<const int> first_row,
           const KvBlockPool& kv, int layer, const float* qkv, float* out);

 private:
  void attend(const SequenceStep& step, int row, int kv_head, const KvBlockPool& kv, int layer,
              const float* qkv, float* out, std::vector<float>& scores) const;

  const ModelConfig& config_;
  const Kernels& kernels_;
  ThreadPool& pool_;
  std::vector<std::vector<float>> scores_;  // per worker: one query's scores
};

}  // namespace sbench::server::model
