#include "model/attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "model/element_wise.hpp"

namespace sbench::server::model {

namespace {

// Queries per tile: those scored, softmaxed and weighted against a step
// before the next tile reads the same step from L1. Since a step is laid out
// once per pass, 24 and 48 measured the same in a 2K prefill.
constexpr int kQueriesPerTile = 48;
// Tiles whose queries take the steps together, each step's keys and values
// read, converted and transposed once for all of them: a 256-token prefill
// chunk of stories110M is one pass, of `small` (three queries a KV head)
// two. Laying a step out once per tile instead cost ~3% of a 2K prefill
// (docs/PERFORMANCE.md); 16 tiles a pass measured no better for `small`.
constexpr int kTilesPerPass = 8;
// Keys per softmax step (rounded to whole KV blocks): enough that a query's
// per-step work (its max, rescale and exps) is small beside the products,
// few enough that a step's keys or values and the tile's queries share L1.
constexpr int kKeysPerStep = 64;

// kKeysPerStep in whole KV blocks (at least one).
int keys_per_step(int block_size) {
  return std::max(1, kKeysPerStep / block_size) * block_size;
}

// Asks for `rows` rows of `row_bytes` each, `stride_bytes` apart: blocks lie
// anywhere in the pool, so the hardware prefetcher cannot guess them.
void prefetch_rows(const std::byte* first_row, int rows, std::size_t row_bytes,
                   std::size_t stride_bytes) {
  constexpr std::size_t kLine = 64;
  for (int r = 0; r < rows; ++r)
    for (std::size_t offset = 0; offset < row_bytes; offset += kLine)
      __builtin_prefetch(first_row + r * stride_bytes + offset);
}

// Calls use(block, rows, position) for each block of `blocks` holding
// positions [first, first + count) (first a multiple of the block size):
// `rows` of them, from `position` on.
template <class Use>
void for_each_block(const std::vector<BlockId>& blocks, int block_size, int first, int count,
                    Use&& use) {
  for (int position = first; position < first + count; position += block_size)
    use(blocks[position / block_size], std::min(block_size, first + count - position), position);
}

// How much of a decoding sequence's keys and values of one layer is swept
// into L2 before its heads are computed: half of a 1 MiB L2, so the sweep
// does not evict its own start.
constexpr std::size_t kContextPrefetchBytes = std::size_t{512} << 10;

// Asks for bytes [first_byte, first_byte + bytes) of each of a decoding
// sequence's rows of `layer` (the slice of the heads a task computes; whole
// rows when it computes them all, so each block's run is contiguous), keys
// and values, up to kContextPrefetchBytes, into L2 (locality 2: prefetcht1
// on x86). One sequential sweep keeps many more cache lines in flight than
// each head's strided slices would read on their own.
void prefetch_context(const SequenceStep& step, const KvBlockPool& kv, int layer,
                      std::size_t row_bytes, std::size_t first_byte, std::size_t bytes) {
  const int rows = std::min(static_cast<int>(step.start_pos + step.tokens.size()),
                            static_cast<int>(kContextPrefetchBytes / (2 * bytes)));
  constexpr std::size_t kLine = 64;
  for_each_block(*step.blocks, kv.block_size(), 0, rows, [&](BlockId block, int count, int) {
    // Keys and values side by side, two streams in flight at once (measured
    // faster than one after the other with 8 agents, 4 of 5 alternations).
    // The pool is asked for each line's address on purpose: those calls
    // pace the sweep. Hoisted out of the loop, the prefetches left in one
    // burst and attention took ~40% more of an 8-agent decode's samples.
    for (int row = 0; row < count; ++row)
      for (std::size_t offset = row * row_bytes + first_byte;
           offset < row * row_bytes + first_byte + bytes; offset += kLine) {
        __builtin_prefetch(kv.keys(block, layer) + offset, 0, 2);
        __builtin_prefetch(kv.values(block, layer) + offset, 0, 2);
      }
  });
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
  const int step_keys = keys_per_step(kv.block_size());
  const int group = config_.n_heads / config_.n_kv_heads;
  const std::size_t queries = static_cast<std::size_t>(tile_tokens_) * kTilesPerPass * group;
  const std::size_t tile_queries = static_cast<std::size_t>(tile_tokens_) * group;
  const std::size_t step_floats = static_cast<std::size_t>(step_keys) * config_.head_dim();
  for (auto& scratch : scratch_) {
    scratch.keys.resize(step_floats);
    scratch.values.resize(step_floats);
    scratch.queries.resize(queries * config_.head_dim());
    scratch.scores.resize(tile_queries * step_keys);
    scratch.gathered.resize(queries * config_.head_dim());
    scratch.softmax.resize(queries);
    scratch.key_rows.resize(step_keys);
    scratch.value_rows.resize(step_keys);
  }

  const int kv_heads = config_.n_kv_heads;
  // A decode batch (one new token per sequence) of enough sequences to keep
  // every thread busy: one task per sequence, or per part of its heads when
  // the sequences do not share out evenly over the threads (5 sequences on
  // 2 threads: 10 tasks of half the heads, not 3 sequences against 2). A
  // task's slice of the rows is swept into L2 first, then its heads computed
  // one after another from there. Attention of 8 stories110M agents took
  // ~30% less time than with a task per head, each reading its strided
  // slice of the rows from memory (docs/PERFORMANCE.md). Prefill chunks and
  // mixed batches keep the per-head tasks: a sequence with many new tokens
  // would be one thread's long task.
  const bool decode = std::all_of(batch.begin(), batch.end(),
                                  [](const SequenceStep& step) { return step.tokens.size() == 1; });
  const int sequences = static_cast<int>(batch.size());
  if (decode && sequences >= 2 * pool_.size()) {
    const int parts = std::min(kv_heads, pool_.size() / std::gcd(sequences, pool_.size()));
    const std::size_t row_bytes = static_cast<std::size_t>(config_.kv_dim()) * kv.element_bytes();
    const std::size_t head_bytes = row_bytes / kv_heads;
    pool_.run(sequences * parts, [&](int task, int worker) {
      const int sequence = task / parts;
      const int first_head = kv_heads * (task % parts) / parts;
      const int last_head = kv_heads * (task % parts + 1) / parts;
      prefetch_context(batch[sequence], kv, layer, row_bytes, first_head * head_bytes,
                       (last_head - first_head) * head_bytes);
      for (int kv_head = first_head; kv_head < last_head; ++kv_head)
        attend(batch[sequence], first_row[sequence], kv_head, kv, layer, qkv, out,
               scratch_[worker]);
    });
    return;
  }
  // One task per (sequence, kv head): the query heads sharing a kv head read
  // the same keys and values while they are still in cache.
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
  const int step_keys = keys_per_step(block_size);
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const std::vector<BlockId>& blocks = *step.blocks;
  const KvKernels& cache = kernels_.kv(kv.dtype());
  const std::size_t head_offset = static_cast<std::size_t>(kv_head) * head_dim * kv.element_bytes();
  const std::size_t row_bytes = static_cast<std::size_t>(head_dim) * kv.element_bytes();
  const std::size_t stride_bytes = static_cast<std::size_t>(kv_dim) * kv.element_bytes();
  const int new_tokens = static_cast<int>(step.tokens.size());
  const int tile_queries = tile_tokens_ * group;
  const int pass_tokens = tile_tokens_ * kTilesPerPass;

  for (int pass = 0; pass < new_tokens; pass += pass_tokens) {
    const int tokens = std::min(pass_tokens, new_tokens - pass);
    // Query q of the pass: token pass + q / group, head kv_head * group + q % group.
    const int queries = tokens * group;
    auto visible = [&](int q) {  // causal: the token itself and those before it
      return static_cast<int>(step.start_pos) + pass + q / group + 1;
    };
    auto source = [&](int q) {
      return static_cast<std::size_t>(row + pass + q / group) * qkv_stride +
             (kv_head * group + q % group) * head_dim;
    };
    auto result = [&](int q) {
      return out + static_cast<std::size_t>(row + pass + q / group) * config_.dim +
             (kv_head * group + q % group) * head_dim;
    };
    const int pass_visible = visible(queries - 1);
    // A lone query (a decode step's head) scores and weighs the cache in
    // place; otherwise each step's keys and values are laid out once for
    // every tile of the pass.
    const bool in_place = queries == 1;

    // The softmax runs along the steps (as FlashAttention's does): each query
    // keeps the largest score so far, the sum of exp(score - largest) and the
    // values weighted alike; both are rescaled when a step raises the largest.
    for (int q = 0; q < queries; ++q) {
      std::copy_n(qkv + source(q), head_dim, scratch.queries.data() + q * head_dim);
      scratch.softmax[q] = {-std::numeric_limits<float>::infinity(), 0.0f};
    }
    std::fill_n(scratch.gathered.data(), queries * head_dim, 0.0f);
    for (int first = 0; first < pass_visible; first += step_keys) {
      const int step_count = std::min(step_keys, pass_visible - first);
      // The next step's head slices, asked for while this one is computed on.
      if (first + step_keys < pass_visible)
        for_each_block(
            blocks, block_size, first + step_keys,
            std::min(step_keys, pass_visible - first - step_keys),
            [&](BlockId block, int rows, int) {
              prefetch_rows(kv.keys(block, layer) + head_offset, rows, row_bytes, stride_bytes);
              prefetch_rows(kv.values(block, layer) + head_offset, rows, row_bytes, stride_bytes);
            });
      if (in_place)
        for_each_block(blocks, block_size, first, step_count,
                       [&](BlockId block, int rows, int position) {
                         const std::byte* keys_at = kv.keys(block, layer) + head_offset;
                         const std::byte* values_at = kv.values(block, layer) + head_offset;
                         for (int r = 0; r < rows; ++r) {
                           scratch.key_rows[position - first + r] = keys_at + r * stride_bytes;
                           scratch.value_rows[position - first + r] = values_at + r * stride_bytes;
                         }
                       });
      else
        for_each_block(
            blocks, block_size, first, step_count, [&](BlockId block, int rows, int position) {
              // The block's first key among the step's: a column of
              // the keys, a row of the values.
              const int key = position - first;
              cache.load_transposed(kv.keys(block, layer) + head_offset, rows, head_dim, kv_dim,
                                    scratch.keys.data() + key, step_keys);
              cache.load(kv.values(block, layer) + head_offset, rows, head_dim, kv_dim,
                         scratch.values.data() + static_cast<std::size_t>(key) * head_dim);
            });
      for (int tile = 0; tile < queries; tile += tile_queries) {
        const int count = std::min(tile_queries, queries - tile);
        // The step's keys this tile's queries can see: a step past all of
        // them is skipped, and the tile computes the same whatever else the
        // pass holds.
        const int keys = std::min(step_count, visible(tile + count - 1) - first);
        if (keys <= 0)
          continue;
        float* queries_at = scratch.queries.data() + static_cast<std::size_t>(tile) * head_dim;
        float* gathered_at = scratch.gathered.data() + static_cast<std::size_t>(tile) * head_dim;
        if (in_place)
          cache.query_scores(queries_at, scratch.key_rows.data(), keys, head_dim, scale,
                             scratch.scores.data());
        else
          kernels_.attention_scores(queries_at, count, scratch.keys.data(), keys, step_keys,
                                    head_dim, scale, scratch.scores.data(), step_keys);
        for (int q = 0; q < count; ++q) {
          // Keys past the query's own position weigh exactly 0 (they change
          // nothing in the sums), so the tile's queries share one product.
          const int visible_keys = std::clamp(visible(tile + q) - first, 0, keys);
          const float rescale = kernels_.softmax_step(
              scratch.scores.data() + q * step_keys, visible_keys, keys, scratch.softmax[tile + q]);
          if (rescale != 1.0f)
            scale_in_place(gathered_at + q * head_dim, head_dim, rescale);
        }
        if (in_place)
          cache.query_values(scratch.scores.data(), scratch.value_rows.data(), keys, head_dim,
                             gathered_at);
        else
          kernels_.accumulate_values(scratch.scores.data(), step_keys, count, scratch.values.data(),
                                     keys, head_dim, gathered_at);
      }
    }
    for (int q = 0; q < queries; ++q)
      scale_into(scratch.gathered.data() + q * head_dim, head_dim, 1.0f / scratch.softmax[q].sum,
                 result(q));
  }
}

}  // namespace sbench::server::model
