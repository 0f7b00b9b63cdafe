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

// Reads one element of the cache as f32.
float element(const float* p) {
  return *p;
}
float element(const std::uint16_t* p) {
  return half_to_float(*p);
}

template <class T>
void attention_scores(const float* query, const std::byte* bytes, int count, int head_dim,
                      std::size_t stride, float scale, float* scores) {
  const auto* keys = reinterpret_cast<const T*>(bytes);
  for (int j = 0; j < count; ++j) {
    const T* key = keys + j * stride;
    float dot = 0.0f;
    for (int d = 0; d < head_dim; ++d)
      dot += query[d] * element(key + d);
    scores[j] = dot * scale;
  }
}

float softmax_numerators(float* scores, int count) {
  const float max = *std::max_element(scores, scores + count);
  float sum = 0.0f;
  for (int j = 0; j < count; ++j) {
    scores[j] = std::exp(scores[j] - max);
    sum += scores[j];
  }
  return sum;
}

template <class T>
void accumulate_values(const float* weights, const std::byte* bytes, int count, int head_dim,
                       std::size_t stride, float* out) {
  const auto* values = reinterpret_cast<const T*>(bytes);
  for (int j = 0; j < count; ++j)
    for (int d = 0; d < head_dim; ++d)
      out[d] += weights[j] * element(values + j * stride + d);
}

void store_f32(const float* from, int count, std::byte* to) {
  std::memcpy(to, from, static_cast<std::size_t>(count) * sizeof(float));
}

void store_f16(const float* from, int count, std::byte* to) {
  auto* halves = reinterpret_cast<std::uint16_t*>(to);
  for (int i = 0; i < count; ++i)
    halves[i] = float_to_half(from[i]);
}

constexpr Kernels kPortable{
    "portable", gemm, softmax_numerators,
    KvKernels{attention_scores<float>, accumulate_values<float>, store_f32},
    KvKernels{attention_scores<std::uint16_t>, accumulate_values<std::uint16_t>, store_f16}};

}  // namespace

const Kernels& portable_kernels() {
  return kPortable;
}

}  // namespace sbench::server::model
