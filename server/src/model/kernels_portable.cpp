// Plain C++ kernels for CPUs without AVX2+FMA. They keep the same fixed
// accumulation order per output as the vector kernels' contract demands, so
// results stay batch-invariant here too (though not bit-equal to AVX2).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "model/half.hpp"
#include "model/kernels.hpp"

namespace sbench::server::model {
namespace {

void gemm(const GemmBlock& b) {
  for (int panel = 0; panel < b.panel_count; ++panel) {
    const float* w = b.panels + panel * b.panel_stride;
    const int width = std::min(kPanelWidth, b.columns - panel * kPanelWidth);
    for (int row = 0; row < b.rows; ++row) {
      const float* x = b.x + row * b.x_stride;
      float* y = b.y + row * b.y_stride + panel * kPanelWidth;
      for (int j = 0; j < width; ++j) {
        float sum = b.k_begin == 0 ? 0.0f : y[j];
        for (int k = b.k_begin; k < b.k_end; ++k)
          sum += x[k] * w[k * kPanelWidth + j];
        y[j] = sum;
      }
    }
  }
}

void attention_scores(const float* queries, int query_count, const float* keys, int key_count,
                      std::size_t keys_stride, int head_dim, float scale, float* scores,
                      int scores_stride) {
  for (int q = 0; q < query_count; ++q) {
    const float* query = queries + q * head_dim;
    for (int j = 0; j < key_count; ++j) {
      float dot = 0.0f;
      for (int d = 0; d < head_dim; ++d)
        dot += query[d] * keys[d * keys_stride + j];
      scores[q * scores_stride + j] = dot * scale;
    }
  }
}

float softmax_step(float* scores, int count, int width, SoftmaxState& state) {
  float rescale = 1.0f;
  if (count > 0) {
    const float max = *std::max_element(scores, scores + count);
    if (max > state.max) {
      // exp(-inf) = 0 on a query's first step: nothing to rescale yet.
      rescale = std::exp(state.max - max);
      state.sum *= rescale;
      state.max = max;
    }
  }
  for (int j = 0; j < width; ++j) {
    scores[j] = j < count ? std::exp(scores[j] - state.max) : 0.0f;
    state.sum += scores[j];
  }
  return rescale;
}

void accumulate_values(const float* weights, int weights_stride, int query_count,
                       const float* values, int key_count, int head_dim, float* out) {
  for (int q = 0; q < query_count; ++q)
    for (int j = 0; j < key_count; ++j)
      for (int d = 0; d < head_dim; ++d)
        out[q * head_dim + d] += weights[q * weights_stride + j] * values[j * head_dim + d];
}

void silu_multiply(const float* gate, const float* up, int count, float* out) {
  for (int i = 0; i < count; ++i)
    out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void load_f16(const std::byte* from, int count, int head_dim, std::size_t stride, float* to) {
  const auto* rows = reinterpret_cast<const std::uint16_t*>(from);
  for (int j = 0; j < count; ++j)
    for (int d = 0; d < head_dim; ++d)
      to[j * head_dim + d] = half_to_float(rows[j * stride + d]);
}

float identity(float value) {
  return value;
}

// KvKernels::load_transposed, query_scores and query_values for elements of
// type T, each read as f32 by `to_float`; the last two are
// attention_scores' and accumulate_values' loops with the cache in place of
// the laid-out keys and values.
template <class T, float (*to_float)(T)>
void load_transposed(const std::byte* from, int count, int head_dim, std::size_t stride, float* to,
                     std::size_t to_stride) {
  const auto* rows = reinterpret_cast<const T*>(from);
  for (int j = 0; j < count; ++j)
    for (int d = 0; d < head_dim; ++d)
      to[d * to_stride + j] = to_float(rows[j * stride + d]);
}

template <class T, float (*to_float)(T)>
void query_scores(const float* query, const std::byte* const* rows, int count, int head_dim,
                  float scale, float* scores) {
  for (int j = 0; j < count; ++j) {
    const auto* key = reinterpret_cast<const T*>(rows[j]);
    float dot = 0.0f;
    for (int d = 0; d < head_dim; ++d)
      dot += query[d] * to_float(key[d]);
    scores[j] = dot * scale;
  }
}

template <class T, float (*to_float)(T)>
void query_values(const float* weights, const std::byte* const* rows, int count, int head_dim,
                  float* out) {
  for (int j = 0; j < count; ++j) {
    const auto* value = reinterpret_cast<const T*>(rows[j]);
    for (int d = 0; d < head_dim; ++d)
      out[d] += weights[j] * to_float(value[d]);
  }
}

void store_f16(const float* from, int count, std::byte* to) {
  auto* halves = reinterpret_cast<std::uint16_t*>(to);
  for (int i = 0; i < count; ++i)
    halves[i] = float_to_half(from[i]);
}

constexpr Kernels kPortable{
    "portable",
    gemm,
    attention_scores,
    softmax_step,
    accumulate_values,
    silu_multiply,
    KvKernels{load_f32_rows, load_transposed<float, identity>, store_f32_rows,
              query_scores<float, identity>, query_values<float, identity>},
    KvKernels{load_f16, load_transposed<std::uint16_t, half_to_float>, store_f16,
              query_scores<std::uint16_t, half_to_float>,
              query_values<std::uint16_t, half_to_float>}};

}  // namespace

const Kernels& portable_kernels() {
  return kPortable;
}

}  // namespace sbench::server::model
