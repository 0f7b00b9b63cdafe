#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "sbench/server/model_config.hpp"

namespace sbench::server::model {

// Packed weights are stored in panels of this many output rows, k-major
// within a panel, so a kernel streams each weight once and reads
// kPanelWidth outputs' weights for one k as one contiguous vector.
inline constexpr int kPanelWidth = 16;

// From this many rows on (a prefill) a product reuses every weight many
// times: matmul cuts k into blocks that stay in cache. Fewer rows (a decode
// batch) stream each weight from memory once: matmul passes the whole k
// range, and a kernel may pick its tiles by the same threshold.
inline constexpr int kRowsForKBlocking = 16;

// From this many rows on, a decode tile streaming its weights from memory
// also asks for the next tile's, a line of each of its panels per k, with
// the T2 hint (prefetcht2; measured better than T1 or NTA): a whole tile
// ahead. Lines asked for only a few dozen k ahead arrive too late once a k
// takes 10 or more FMAs: without this, the AVX-512 8-row tiles streamed
// their weights at ~2/3 of the rate 1 row reached, the FMA units idle while
// they waited. It made 8 rows 25-30% faster and 5 rows 30% (AVX-512, in
// model_kernels_bench); 1 and 3 rows neither faster nor slower, so tiles of
// fewer rows skip it (2 and 4 were not measured). docs/PERFORMANCE.md.
inline constexpr int kRowsPrefetchingNextTile = 5;

// Y[rows][columns] (+)= X[rows][k_begin..k_end) * W^T for a run of panels.
// Each output is one multiply-add chain over k in ascending order, started at
// 0 when k_begin == 0 and continued from Y otherwise. Whatever the block
// shapes, no other order is ever used, which is what makes results
// independent of batch composition, chunking and thread count.
struct GemmBlock {
  const float* x;
  std::size_t x_stride;
  int rows;
  const float* panels;       // first panel of the run
  std::size_t panel_stride;  // floats from one panel to the next (k * kPanelWidth)
  int panel_count;
  int k_begin;
  int k_end;
  float* y;  // column of the first panel's first row
  std::size_t y_stride;
  int columns;  // valid columns from `y` (the matrix's last panel may be partial)
};

// The KV cache's element type at the edges of attention: a block's head
// slice is read once into f32, which every query of a tile then reads from
// L1, and new keys and values are stored in the element type. Values are
// read as rows; keys transposed, a dimension per row, so that scoring takes
// eight keys per register and needs no horizontal sums.
struct KvKernels {
  // to[j * head_dim + d] = element j * stride + d of `from`, as f32, for
  // `count` rows
  void (*load)(const std::byte* from, int count, int head_dim, std::size_t stride, float* to);
  // to[d * to_stride + j] = element j * stride + d of `from`, as f32, for
  // `count` rows
  void (*load_transposed)(const std::byte* from, int count, int head_dim, std::size_t stride,
                          float* to, std::size_t to_stride);
  // to[i] = from[i] in the element type (f16: rounded to nearest, ties to even)
  void (*store)(const float* from, int count, std::byte* to);
  // A head with one query (a decode step without grouped queries) reads
  // each key and value once: laying them out first would cost more than
  // the products. These compute straight from the cache, row j at rows[j]
  // (a step's rows lie in several blocks), with the bits of
  // Kernels::attention_scores and accumulate_values over what
  // load_transposed and load would have laid out.
  //
  // scores[j] = scale * sum_d query[d] * rows[j][d] for `count` keys.
  void (*query_scores)(const float* query, const std::byte* const* rows, int count, int head_dim,
                       float scale, float* scores);
  // out[d] += sum_j weights[j] * rows[j][d] for `count` values.
  void (*query_values)(const float* weights, const std::byte* const* rows, int count, int head_dim,
                       float* out);
};

// One query's running softmax over the keys attention has scored so far
// (FlashAttention's online softmax): the largest score and the sum of
// exp(score - largest).
struct SoftmaxState {
  float max;
  float sum;
};

// One implementation per instruction set, chosen once at run time.
struct Kernels {
  const char* name;
  void (*gemm)(const GemmBlock& block);
  // scores[q * scores_stride + j] = scale * sum_d queries[q * head_dim + d] *
  // keys[d * keys_stride + j] for `query_count` queries and `key_count` keys
  // (keys transposed, as KvKernels::load_transposed lays them out). Each
  // score is one multiply-add chain over d ascending, then the scaling,
  // whichever other queries and keys are scored beside it.
  void (*attention_scores)(const float* queries, int query_count, const float* keys, int key_count,
                           std::size_t keys_stride, int head_dim, float scale, float* scores,
                           int scores_stride);
  // Folds one query's scores of keys [0, count) into `state` and turns them
  // into weights exp(score - state.max); keys [count, width) get weight 0.
  // Returns the factor the weighted values gathered so far must be scaled by
  // (exp(old max - new max) when this step raised the max, else exactly 1).
  float (*softmax_step)(float* scores, int count, int width, SoftmaxState& state);
  // out[q * head_dim + d] += sum_j weights[q * weights_stride + j] *
  // values[j * head_dim + d], each output one multiply-add chain over j
  // ascending (a weight of 0 leaves it unchanged), whatever `query_count`.
  void (*accumulate_values)(const float* weights, int weights_stride, int query_count,
                            const float* values, int key_count, int head_dim, float* out);
  // out[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + exp(-x)): SwiGLU's
  // gate, one element at a time, so the same for any count.
  void (*silu_multiply)(const float* gate, const float* up, int count, float* out);
  KvKernels kv_f32;
  KvKernels kv_f16;

  const KvKernels& kv(KvDtype dtype) const { return dtype == KvDtype::f16 ? kv_f16 : kv_f32; }
};

// The f32 cache's KvKernels, plain copies whatever the instruction set.
void load_f32_rows(const std::byte* from, int count, int head_dim, std::size_t stride, float* to);
void store_f32_rows(const float* from, int count, std::byte* to);

const Kernels& portable_kernels();
const Kernels* avx2_kernels();    // nullptr when not built for x86-64
const Kernels* avx512_kernels();  // AVX2's with an AVX-512F GEMM; nullptr when not built for it
// Every set this CPU runs, portable first, the fastest last.
std::vector<const Kernels*> usable_kernels();
// The usable set called `name`, or the fastest when `name` is empty. Throws
// std::invalid_argument naming the usable sets otherwise.
const Kernels& choose_kernels(std::string_view name);
// The set models compute with: choose_kernels($SBENCH_KERNELS), chosen once.
// The variable caps the instruction set, as ATEN_CPU_CAPABILITY does for
// PyTorch: to compare sets on one machine or to sidestep one.
const Kernels& best_kernels();

}  // namespace sbench::server::model
