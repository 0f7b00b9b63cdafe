#include "model/attention.hpp"

#include <algorithm>
#include <cmath>

namespace sbench::server::model {

namespace {

// Queries per tile: enough to spread a block's read and conversion over
// several of them, few enough that their scores stay in L2 at long contexts.
constexpr int kQueriesPerTile = 12;

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
  std::size_t longest = 0;
  for (const auto& step : batch)
    longest = std::max(longest, step.start_pos + step.tokens.size());
  const std::size_t queries =
      static_cast<std::size_t>(tile_tokens_) * (config_.n_heads / config_.n_kv_heads);
  for (auto& scratch : scratch_) {
    scratch.scores.resize(std::max(scratch.scores.size(), queries * longest));
    scratch.block.resize(static_cast<std::size_t>(kv.block_size()) * config_.head_dim());
    scratch.inverse_sums.resize(queries);
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
  const std::size_t longest = step.start_pos + step.tokens.size();

  for (int tile = 0; tile < new_tokens; tile += tile_tokens_) {
    const int tokens = std::min(tile_tokens_, new_tokens - tile);
    // Query q of the tile: token tile + q / group, head kv_head * group + q % group.
    const int queries = tokens * group;
    auto visible = [&](int query) {  // causal: the token itself and those before it
      return static_cast<int>(step.start_pos) + tile + query / group + 1;
    };
    auto query_row = [&](int query) { return row + tile + query / group; };
    auto head = [&](int query) { return kv_head * group + query % group; };
    auto scores = [&](int query) { return scratch.scores.data() + query * longest; };
    auto result = [&](int query) {
      return out + static_cast<std::size_t>(query_row(query)) * config_.dim +
             head(query) * head_dim;
    };
    const int tile_visible = visible(queries - 1);

    for (int first = 0; first < tile_visible; first += block_size) {
      if (first + block_size < tile_visible)
        prefetch_rows(kv.keys(blocks[first / block_size + 1], layer) + head_offset,
                      std::min(block_size, tile_visible - first - block_size), row_bytes,
                      stride_bytes);
      cache.load(kv.keys(blocks[first / block_size], layer) + head_offset,
                 std::min(block_size, tile_visible - first), head_dim, kv_dim,
                 scratch.block.data());
      for (int q = 0; q < queries; ++q) {
        const int count = std::min(block_size, visible(q) - first);
        if (count > 0)
          kernels_.attention_scores(qkv + query_row(q) * qkv_stride + head(q) * head_dim,
                                    scratch.block.data(), count, head_dim, scale,
                                    scores(q) + first);
      }
    }

    for (int q = 0; q < queries; ++q) {
      scratch.inverse_sums[q] = 1.0f / kernels_.softmax_numerators(scores(q), visible(q));
      std::fill_n(result(q), head_dim, 0.0f);
    }

    for (int first = 0; first < tile_visible; first += block_size) {
      if (first + block_size < tile_visible)
        prefetch_rows(kv.values(blocks[first / block_size + 1], layer) + head_offset,
                      std::min(block_size, tile_visible - first - block_size), row_bytes,
                      stride_bytes);
      cache.load(kv.values(blocks[first / block_size], layer) + head_offset,
                 std::min(block_size, tile_visible - first), head_dim, kv_dim,
                 scratch.block.data());
      for (int q = 0; q < queries; ++q) {
        const int count = std::min(block_size, visible(q) - first);
        if (count > 0)
          kernels_.accumulate_values(scores(q) + first, scratch.block.data(), count, head_dim,
                                     result(q));
      }
    }

    for (int q = 0; q < queries; ++q)
      for (int d = 0; d < head_dim; ++d)
        result(q)[d] *= scratch.inverse_sums[q];
  }
}

}  // namespace sbench::server::model
