#include "model/attention.hpp"

#include <algorithm>
#include <cmath>

namespace sbench::server::model {

PagedAttention::PagedAttention(const ModelConfig& config, const Kernels& kernels, ThreadPool& pool)
    : config_(config), kernels_(kernels), pool_(pool), scores_(pool.size()) {}

void PagedAttention::run(std::span<const SequenceStep> batch, std::span<const int> first_row,
                         const KvBlockPool& kv, int layer, const float* qkv, float* out) {
  std::size_t longest = 0;
  for (const auto& step : batch)
    longest = std::max(longest, step.start_pos + step.tokens.size());
  for (auto& scores : scores_)
    scores.resize(std::max(scores.size(), longest));

  // One task per (sequence, kv head): the query heads sharing a kv head read
  // the same keys and values while they are still in cache.
  const int kv_heads = config_.n_kv_heads;
  pool_.run(static_cast<int>(batch.size()) * kv_heads, [&](int task, int worker) {
    const int sequence = task / kv_heads;
    attend(batch[sequence], first_row[sequence], task % kv_heads, kv, layer, qkv, out,
           scores_[worker]);
  });
}

void PagedAttention::attend(const SequenceStep& step, int row, int kv_head, const KvBlockPool& kv,
                            int layer, const float* qkv, float* out,
                            std::vector<float>& scores) const {
  const int head_dim = config_.head_dim();
  const int kv_dim = config_.kv_dim();
  const int group = config_.n_heads / config_.n_kv_heads;
  const std::size_t qkv_stride = config_.dim + 2 * kv_dim;
  const int block_size = kv.block_size();
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const std::vector<BlockId>& blocks = *step.blocks;
  const KvKernels& cache = kernels_.kv(kv.dtype());
  const std::size_t head_offset = static_cast<std::size_t>(kv_head) * head_dim * kv.element_bytes();

  for (std::size_t t = 0; t < step.tokens.size(); ++t, ++row) {
    const int visible = step.start_pos + static_cast<int>(t) + 1;  // causal: itself and before
    for (int head = kv_head * group; head < (kv_head + 1) * group; ++head) {
      const float* query = qkv + row * qkv_stride + head * head_dim;
      for (int first = 0; first < visible; first += block_size) {
        const int count = std::min(block_size, visible - first);
        const std::byte* keys = kv.keys(blocks[first / block_size], layer) + head_offset;
        cache.attention_scores(query, keys, count, head_dim, kv_dim, scale, scores.data() + first);
      }
      const float sum = kernels_.softmax_numerators(scores.data(), visible);

      float* result = out + static_cast<std::size_t>(row) * config_.dim + head * head_dim;
      std::fill_n(result, head_dim, 0.0f);
      for (int first = 0; first < visible; first += block_size) {
        const int count = std::min(block_size, visible - first);
        const std::byte* values = kv.values(blocks[first / block_size], layer) + head_offset;
        cache.accumulate_values(scores.data() + first, values, count, head_dim, kv_dim, result);
      }
      const float inverse = 1.0f / sum;
      for (int d = 0; d < head_dim; ++d)
        result[d] *= inverse;
    }
  }
}

}  // namespace sbench::server::model
