#include "model/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sbench::server::model {

namespace {

// Queries per tile: each block's read and conversion is spread over this
// many; their running state is a row of values each, in L1.
constexpr int kQueriesPerTile = 24;

// Asks for the next block's head slice while this one is computed on: blocks
// lie anywhere in the pool, so the hardware prefetcher cannot guess them.
void prefetch_rows(const std::byte* first_row, int rows, std::size_t row_bytes,
                   std::size_t stride_bytes) {
  constexpr std::size_t kLine = 64;
  for (int r = 0; r < rows; ++r)
    for (std::size_t offset = 0; offset < row_bytes; offset += kLine)
      __builtin_prefetch(first_row + r * stride_bytes + offset);
}

}  // namespace

PagedAttention::PagedAttention(const ModelConfig& config, const Kernels& kernels, ThreadPool& pool)
    : config_(config),
      kernels_(kernels),
      pool_(pool),
      tile_tokens_(std::max(1, kQueriesPerTile * config.n_kv_heads / config.n_heads)),
      scratch_(pool.size()) {}

void PagedAttention::run(std::span<const SequenceStep> batch, std::span<const int> first_row,
                         const KvBlockPool& kv, int layer, const float* qkv, float* out) {
  const std::size_t queries =
      static_cast<std::size_t>(tile_tokens_) * (config_.n_heads / config_.n_kv_heads);
  const std::size_t block_floats = static_cast<std::size_t>(kv.block_size()) * config_.head_dim();
  for (auto& scratch : scratch_) {
    scratch.keys.resize(block_floats);
    scratch.values.resize(block_floats);
    scratch.scores.resize(kv.block_size());
    scratch.running_max.resize(queries);
    scratch.running_sum.resize(queries);
  }

  // One task per (sequence, kv head): the query heads sharing a kv head read
  // the same keys and values while they are still in cache.
  const int kv_heads = config_.n_kv_heads;
  pool_.run(static_cast<int>(batch.size()) * kv_heads, [&](int task, int worker) {
    const int sequence = task / kv_heads;
    attend(batch[sequence], first_row[sequence], task % kv_heads, kv, layer, qkv, out,
           scratch_[worker]);
  });
}

void PagedAttention::attend(const SequenceStep& step, int row, int kv_head, const KvBlockPool& kv,
                            int layer, const float* qkv, float* out, Scratch& scratch) const {
  const int head_dim = config_.head_dim();
  const int kv_dim = config_.kv_dim();
  const int group = config_.n_heads / config_.n_kv_heads;
  const std::size_t qkv_stride = config_.dim + 2 * kv_dim;
  const int block_size = kv.block_size();
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const std::vector<BlockId>& blocks = *step.blocks;
  const KvKernels& cache = kernels_.kv(kv.dtype());
  const std::size_t head_offset = static_cast<std::size_t>(kv_head) * head_dim * kv.element_bytes();
  const std::size_t row_bytes = static_cast<std::size_t>(head_dim) * kv.element_bytes();
  const std::size_t stride_bytes = static_cast<std::size_t>(kv_dim) * kv.element_bytes();
  const int new_tokens = static_cast<int>(step.tokens.size());

  for (int tile = 0; tile < new_tokens; tile += tile_tokens_) {
    const int tokens = std::min(tile_tokens_, new_tokens - tile);
    // Query q of the tile: token tile + q / group, head kv_head * group + q % group.
    const int queries = tokens * group;
    auto visible = [&](int q) {  // causal: the token itself and those before it
      return static_cast<int>(step.start_pos) + tile + q / group + 1;
    };
    auto query = [&](int q) {
      return qkv + static_cast<std::size_t>(row + tile + q / group) * qkv_stride +
             (kv_head * group + q % group) * head_dim;
    };
    auto result = [&](int q) {
      return out + static_cast<std::size_t>(row + tile + q / group) * config_.dim +
             (kv_head * group + q % group) * head_dim;
    };
    const int tile_visible = visible(queries - 1);

    // The softmax runs along the blocks (as FlashAttention's does): each query
    // keeps the largest score so far, the sum of exp(score - largest) and, in
    // its result row, the values weighted alike; both are rescaled when a
    // block raises the largest. One pass, and a block's keys and values are
    // read once for all of the tile's queries.
    for (int q = 0; q < queries; ++q) {
      scratch.running_max[q] = -std::numeric_limits<float>::infinity();
      scratch.running_sum[q] = 0.0f;
      std::fill_n(result(q), head_dim, 0.0f);
    }
    for (int first = 0; first < tile_visible; first += block_size) {
      const int rows = std::min(block_size, tile_visible - first);
      const BlockId block = blocks[first / block_size];
      if (first + block_size < tile_visible) {
        const BlockId next = blocks[first / block_size + 1];
        const int next_rows = std::min(block_size, tile_visible - first - block_size);
        prefetch_rows(kv.keys(next, layer) + head_offset, next_rows, row_bytes, stride_bytes);
        prefetch_rows(kv.values(next, layer) + head_offset, next_rows, row_bytes, stride_bytes);
      }
      cache.load(kv.keys(block, layer) + head_offset, rows, head_dim, kv_dim, scratch.keys.data());
      cache.load(kv.values(block, layer) + head_offset, rows, head_dim, kv_dim,
                 scratch.values.data());
      for (int q = 0; q < queries; ++q) {
        const int count = std::min(rows, visible(q) - first);
        if (count <= 0)
          continue;
        float* scores = scratch.scores.data();
        kernels_.attention_scores(query(q), scratch.keys.data(), count, head_dim, scale, scores);
        const float block_max = *std::max_element(scores, scores + count);
        float& running_max = scratch.running_max[q];
        if (block_max > running_max) {
          // exp(-inf) = 0 on the first block: nothing to rescale yet.
          const float rescale = std::exp(running_max - block_max);
          scratch.running_sum[q] *= rescale;
          float* weighted = result(q);
          for (int d = 0; d < head_dim; ++d)
            weighted[d] *= rescale;
          running_max = block_max;
        }
        scratch.running_sum[q] += kernels_.exp_sum(scores, count, running_max);
        kernels_.accumulate_values(scores, scratch.values.data(), count, head_dim, result(q));
      }
    }
    for (int q = 0; q < queries; ++q) {
      const float inverse = 1.0f / scratch.running_sum[q];
      float* weighted = result(q);
      for (int d = 0; d < head_dim; ++d)
        weighted[d] *= inverse;
    }
  }
}

}  // namespace sbench::server::model
