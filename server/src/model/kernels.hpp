#pragma once

#include <cstddef>

#include "sbench/server/model_config.hpp"

namespace sbench::server::model {

// Packed weights are stored in panels of this many output rows, k-major
// within a panel, so a kernel streams each weight once and reads
// kPanelWidth outputs' weights for one k as one contiguous vector.
inline constexpr int kPanelWidth = 16;

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

// Attention's reads and writes of the KV cache, one set per KvDtype. Each
// read handles `count` consecutive tokens of one KV block, `stride` elements
// apart; arithmetic is in f32 whatever the element type.
struct KvKernels {
  // scores[j] = scale * dot(query, keys + j * stride)
  void (*attention_scores)(const float* query, const std::byte* keys, int count, int head_dim,
                           std::size_t stride, float scale, float* scores);
  // out[d] += sum_j weights[j] * values[j * stride + d], j ascending
  void (*accumulate_values)(const float* weights, const std::byte* values, int count, int head_dim,
                            std::size_t stride, float* out);
  // to[i] = from[i] in the element type (f16: rounded to nearest, ties to even)
  void (*store)(const float* from, int count, std::byte* to);
};

// One implementation per instruction set, chosen once at run time.
struct Kernels {
  const char* name;
  void (*gemm)(const GemmBlock& block);
  // scores <- exp(scores - max(scores)); returns their sum.
  float (*softmax_numerators)(float* scores, int count);
  KvKernels kv_f32;
  KvKernels kv_f16;

  const KvKernels& kv(KvDtype dtype) const { return dtype == KvDtype::f16 ? kv_f16 : kv_f32; }
};

const Kernels& portable_kernels();
const Kernels* avx2_kernels();  // nullptr when not built for x86-64
const Kernels& best_kernels();  // AVX2+FMA+F16C when the CPU has them

}  // namespace sbench::server::model
