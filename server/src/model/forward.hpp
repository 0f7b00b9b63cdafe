#pragma once

#include <span>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "model/attention.hpp"
#include "model/kernels.hpp"
#include "model/model.hpp"
#include "model/thread_pool.hpp"
#include "model/weights.hpp"

namespace sbench::server::model {

// Model::forward: the new tokens of every sequence in the batch are stacked
// into one activation matrix, so each weight matrix is multiplied once per
// step for the whole batch. Keeps its activation buffers between steps.
class ForwardPass {
 public:
  ForwardPass(const Weights& weights, const Kernels& kernels, ThreadPool& pool);

  void run(std::span<const SequenceStep> batch, KvBlockPool& kv, std::vector<float>& logits);

 private:
  void validate(std::span<const SequenceStep> batch, const KvBlockPool& kv) const;
  void prepare_rows(std::span<const SequenceStep> batch);
  void layer(int index, std::span<const SequenceStep> batch, KvBlockPool& kv);
  // Row `row`'s key and value (rotated) into its sequence's KV block.
  void store_key_value(int row, KvBlockPool& kv, int layer);
  void compute_logits(std::span<const SequenceStep> batch, std::vector<float>& logits);
  // Runs row_op(row) for every row, split over the pool when worth it.
  template <class RowOp>
  void for_each_row(int rows, RowOp&& row_op);

  const Weights& weights_;
  const ModelConfig& config_;
  const Kernels& kernels_;
  ThreadPool& pool_;
  PagedAttention attention_;

  int rows_ = 0;                // new tokens in this step
  std::vector<int> first_row_;  // per sequence
  std::vector<int> positions_;  // per row
  // Per row: its sequence's block table.
  std::vector<const std::vector<BlockId>*> row_blocks_;
  std::vector<float> rope_cos_;  // per row: [head_dim / 2]
  std::vector<float> rope_sin_;
  std::vector<float> residual_;   // [rows][dim]
  std::vector<float> normed_;     // [rows][dim]
  std::vector<float> qkv_;        // [rows][dim + 2 kv_dim]
  std::vector<float> attended_;   // [rows][dim]
  std::vector<float> projected_;  // [rows][dim]
  std::vector<float> gate_up_;    // [rows][2 hidden]
  std::vector<float> hidden_;     // [rows][hidden]
};

}  // namespace sbench::server::model
