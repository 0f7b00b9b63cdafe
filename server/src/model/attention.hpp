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
// form a tile; the keys are taken a step of a few KV blocks at a time, with a
// running softmax. A pass of up to a few tiles of consecutive tokens takes
// the steps together: each step's keys and values are read (converted to
// f32, the keys transposed) once, then every tile that can see them uses them
// as small matrix products. A pass of one query (a decode step of a model
// with a KV head per query head) reads the cache in place instead, with the
// same bits. Steps start at fixed positions (a multiple of the step from
// position 0), so every query sees the same steps whatever tile or pass it
// is in.
//
// Work is shared out a (sequence, KV head) at a time, except in a decode
// batch of at least two sequences per thread: there a task is a sequence (or
// part of its heads, so tasks share out evenly over the threads), whose rows
// of the layer are first swept into L2 in one pass. Either way each head runs
// the same code, so the split changes no bit.
class PagedAttention {
 public:
  PagedAttention(const ModelConfig& config, const Kernels& kernels, ThreadPool& pool);

  void run(std::span<const SequenceStep> batch, std::span<const int> first_row,
           const KvBlockPool& kv, int layer, const float* qkv, float* out);

 private:
  // What one worker computes in, all contiguous f32 rows: a step's keys
  // (transposed: a row per dimension) and values, the pass's queries, the
  // values they gathered so far and their running softmax, and one tile's
  // scores of the step.
  struct Scratch {
    std::vector<float> keys;
    std::vector<float> values;
    std::vector<float> queries;
    std::vector<float> scores;
    std::vector<float> gathered;
    std::vector<SoftmaxState> softmax;
    // A lone query's step: where each key's and value's row lies in the cache.
    std::vector<const std::byte*> key_rows;
    std::vector<const std::byte*> value_rows;
  };

  void attend(const SequenceStep& step, int row, int kv_head, const KvBlockPool& kv, int layer,
              const float* qkv, float* out, Scratch& scratch) const;

  const ModelConfig& config_;
  const Kernels& kernels_;
  ThreadPool& pool_;
  int tile_tokens_;               // consecutive tokens whose queries take a step together
  std::vector<Scratch> scratch_;  // per worker
};

}  // namespace sbench::server::model
