// Plain C++ kernels for CPUs without AVX2+FMA. They keep the same fixed
// accumulation order per output as the vector kernels' contract demands, so
// results stay batch-invariant here too (though not bit-equal to AVX2).
#include <algorithm>
#include <cmath>

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

void attention_scores(const float* query, const float* keys, int count, int head_dim,
                      std::size_t stride, float scale, float* scores) {
  for (int j = 0; j < count; ++j) {
    const float* key = keys + j * stride;
    float dot = 0.0f;
    for (int d = 0; d < head_dim; ++d)
      dot += query[d] * key[d];
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

void accumulate_values(const float* weights, const float* values, int count, int head_dim,
                       std::size_t stride, float* out) {
  for (int j = 0; j < count; ++j)
    for (int d = 0; d < head_dim; ++d)
      out[d] += weights[j] * values[j * stride + d];
}

constexpr Kernels kPortable{"portable", gemm, attention_scores, softmax_numerators,
                            accumulate_values};

}  // namespace

const Kernels& portable_kernels() {
  return kPortable;
}

}  // namespace sbench::server::model
