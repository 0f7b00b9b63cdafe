// AVX2+FMA+F16C kernels. This file alone is compiled with -mavx2 -mfma -mf16c (see
// server/CMakeLists.txt); best_kernels() only hands these out after checking
// the CPU, so the rest of the library stays portable.
#include <algorithm>

#include "model/kernels.hpp"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace sbench::server::model {
namespace {

constexpr int kLanes = 8;
constexpr int kVectorsPerPanel = kPanelWidth / kLanes;
// Panels one pass over the rows covers: their weights stay in L1/L2 while
// every row block of a batch reads them, so a decode step streams each
// weight from memory once whatever the batch size.
constexpr int kPanelGroup = 4;
constexpr int kMaxTileRows = 6;
// A panel is one k-ordered stream, one cache line per k. Batches of a few
// rows take several cycles per line, too slow for the hardware prefetcher
// to run far enough ahead on its own (measured: 5 rows streamed weights at
// half the speed of 1 row); asking for lines this far ahead keeps the
// stream bandwidth-bound.
constexpr int kPrefetchAhead = 48;

// Eight f16 cache elements as f32, and one for the tails.
__m256 load8(const std::uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
float element(const std::uint16_t* p) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(*p)));
}

// One fixed reduction tree, so a dot product's value never depends on the
// code path that computed it.
float horizontal_sum(__m256 v) {
  const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
}

// R rows x P panels of outputs held in 2*R*P registers for the whole k range.
template <int R, int P>
void gemm_tile(const GemmBlock& b, int row, int panel) {
  static_assert(R * P * kVectorsPerPanel <= 12, "accumulators must fit in registers");
  constexpr int kWidth = P * kPanelWidth;
  const float* x = b.x + row * b.x_stride;
  const float* w = b.panels + panel * b.panel_stride;
  float* y = b.y + row * b.y_stride + panel * kPanelWidth;
  const int valid = std::min(kWidth, b.columns - panel * kPanelWidth);

  __m256 acc[R][P * kVectorsPerPanel];
  if (b.k_begin == 0) {
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        acc[r][v] = _mm256_setzero_ps();
  } else {
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      alignas(32) float partial[kWidth] = {};
      std::copy_n(y + r * b.y_stride, valid, partial);
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        acc[r][v] = _mm256_load_ps(partial + v * kLanes);
    }
  }

  for (int k = b.k_begin; k < b.k_end; ++k) {
#pragma GCC unroll 16
    for (int p = 0; p < P; ++p)
      _mm_prefetch(reinterpret_cast<const char*>(w + p * b.panel_stride +
                                                 (k + kPrefetchAhead) * kPanelWidth),
                   _MM_HINT_T0);
    __m256 weights[P * kVectorsPerPanel];
#pragma GCC unroll 16
    for (int p = 0; p < P; ++p)
#pragma GCC unroll 16
      for (int h = 0; h < kVectorsPerPanel; ++h)
        weights[p * kVectorsPerPanel + h] =
            _mm256_loadu_ps(w + p * b.panel_stride + k * kPanelWidth + h * kLanes);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m256 xk = _mm256_broadcast_ss(x + r * b.x_stride + k);
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        acc[r][v] = _mm256_fmadd_ps(xk, weights[v], acc[r][v]);
    }
  }

#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    float* out = y + r * b.y_stride;
    if (valid == kWidth) {
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        _mm256_storeu_ps(out + v * kLanes, acc[r][v]);
    } else {
      alignas(32) float partial[kWidth];
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        _mm256_store_ps(partial + v * kLanes, acc[r][v]);
      std::copy_n(partial, valid, out);
    }
  }
}

// Few rows leave registers free for more panels, which gives the FMA chains
// enough independent work to hide their latency.
template <int R, int P>
void gemm_rows(const GemmBlock& b, int row, int panel, int group) {
  int p = 0;
  for (; p + P <= group; p += P)
    gemm_tile<R, P>(b, row, panel + p);
  for (; p < group; ++p)
    gemm_tile<R, 1>(b, row, panel + p);
}

void gemm(const GemmBlock& b) {
  const int full_rows = b.rows / kMaxTileRows * kMaxTileRows;
  for (int panel = 0; panel < b.panel_count; panel += kPanelGroup) {
    const int group = std::min(kPanelGroup, b.panel_count - panel);
    // Panel by panel, so one panel's slice of weights stays in L1 while
    // every full row block (a prefill has dozens) reads it.
    for (int p = panel; p < panel + group; ++p)
      for (int row = 0; row < full_rows; row += kMaxTileRows)
        gemm_tile<kMaxTileRows, 1>(b, row, p);
    switch (b.rows - full_rows) {
      case 1:
        gemm_rows<1, 4>(b, full_rows, panel, group);
        break;
      case 2:
        gemm_rows<2, 2>(b, full_rows, panel, group);
        break;
      case 3:
        gemm_rows<3, 2>(b, full_rows, panel, group);
        break;
      case 4:
        gemm_rows<4, 1>(b, full_rows, panel, group);
        break;
      case 5:
        gemm_rows<5, 1>(b, full_rows, panel, group);
        break;
      default:
        break;
    }
  }
}

// The scores of eight keys: lane n holds horizontal_sum(acc[n]) * scale,
// through the same additions in the same tree as horizontal_sum (a float sum
// of the same two operands is the same either way round), so a key scored
// in a group of eight gets the bits it would get alone, in a quarter of the
// shuffles.
void store_eight_scores(const __m256 (&acc)[8], float scale, float* scores) {
  __m256 quads[4];  // lanes 0-3: the quad of key n; lanes 4-7: of key n + 4
#pragma GCC unroll 4
  for (int n = 0; n < 4; ++n)
    quads[n] = _mm256_add_ps(_mm256_permute2f128_ps(acc[n], acc[n + 4], 0x20),
                             _mm256_permute2f128_ps(acc[n], acc[n + 4], 0x31));
  // [pair0, pair1] of keys n and n + 1 (n + 4, n + 5 in the upper half)
  const __m256 pairs01 = _mm256_add_ps(_mm256_shuffle_ps(quads[0], quads[1], 0x44),
                                       _mm256_shuffle_ps(quads[0], quads[1], 0xEE));
  const __m256 pairs23 = _mm256_add_ps(_mm256_shuffle_ps(quads[2], quads[3], 0x44),
                                       _mm256_shuffle_ps(quads[2], quads[3], 0xEE));
  const __m256 sums = _mm256_add_ps(_mm256_shuffle_ps(pairs01, pairs23, 0x88),
                                    _mm256_shuffle_ps(pairs01, pairs23, 0xDD));
  _mm256_storeu_ps(scores, _mm256_mul_ps(sums, _mm256_set1_ps(scale)));
}

void attention_scores(const float* query, const float* keys, int count, int head_dim, float scale,
                      float* scores) {
  const int vector_dims = head_dim / kLanes * kLanes;
  int j = 0;
  if (vector_dims == head_dim) {
    for (; j + 8 <= count; j += 8) {
      __m256 acc[8];
#pragma GCC unroll 8
      for (int n = 0; n < 8; ++n)
        acc[n] = _mm256_setzero_ps();
      for (int d = 0; d < head_dim; d += kLanes) {
        const __m256 q = _mm256_loadu_ps(query + d);
#pragma GCC unroll 8
        for (int n = 0; n < 8; ++n)
          acc[n] = _mm256_fmadd_ps(q, _mm256_loadu_ps(keys + (j + n) * head_dim + d), acc[n]);
      }
      store_eight_scores(acc, scale, scores + j);
    }
  }
  for (; j < count; ++j) {
    const float* key = keys + j * head_dim;
    __m256 acc = _mm256_setzero_ps();
    for (int d = 0; d < vector_dims; d += kLanes)
      acc = _mm256_fmadd_ps(_mm256_loadu_ps(query + d), _mm256_loadu_ps(key + d), acc);
    float dot = horizontal_sum(acc);
    for (int d = vector_dims; d < head_dim; ++d)
      dot += query[d] * key[d];
    scores[j] = dot * scale;
  }
}

// exp(x) for x <= 0 (Cephes' expf: range reduction by ln 2 and a degree-5
// polynomial, within ~2 ulp), far cheaper than a libm call per score.
__m256 exp_nonpositive(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));  // 2^n must stay a normal float
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
  const __m256i exponent =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

float exp_sum(float* scores, int count, float max) {
  const __m256 shift = _mm256_set1_ps(max);
  __m256 sum = _mm256_setzero_ps();
  int j = 0;
  for (; j + kLanes <= count; j += kLanes) {
    const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), shift));
    _mm256_storeu_ps(scores + j, e);
    sum = _mm256_add_ps(sum, e);
  }
  if (j < count) {
    // The tail goes through the same vector exp; its unused lanes are masked
    // to exactly zero so they add nothing to the sum.
    const int remaining = count - j;
    alignas(32) float tail[kLanes] = {};
    std::copy_n(scores + j, remaining, tail);
    const __m256 used = _mm256_cmp_ps(_mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7),
                                      _mm256_set1_ps(static_cast<float>(remaining)), _CMP_LT_OQ);
    const __m256 e =
        _mm256_and_ps(exp_nonpositive(_mm256_sub_ps(_mm256_load_ps(tail), shift)), used);
    _mm256_store_ps(tail, e);
    std::copy_n(tail, remaining, scores + j);
    sum = _mm256_add_ps(sum, e);
  }
  return horizontal_sum(sum);
}

template <int Chunks>
void accumulate_chunks(const float* weights, const float* values, int count, int head_dim,
                       float* out) {
  __m256 acc[Chunks];
#pragma GCC unroll 8
  for (int c = 0; c < Chunks; ++c)
    acc[c] = _mm256_loadu_ps(out + c * kLanes);
  for (int j = 0; j < count; ++j) {
    const __m256 weight = _mm256_broadcast_ss(weights + j);
#pragma GCC unroll 8
    for (int c = 0; c < Chunks; ++c)
      acc[c] = _mm256_fmadd_ps(weight, _mm256_loadu_ps(values + j * head_dim + c * kLanes), acc[c]);
  }
#pragma GCC unroll 8
  for (int c = 0; c < Chunks; ++c)
    _mm256_storeu_ps(out + c * kLanes, acc[c]);
}

void accumulate_values(const float* weights, const float* values, int count, int head_dim,
                       float* out) {
  int d = 0;
  for (; d + 8 * kLanes <= head_dim; d += 8 * kLanes)
    accumulate_chunks<8>(weights, values + d, count, head_dim, out + d);
  for (; d + 2 * kLanes <= head_dim; d += 2 * kLanes)
    accumulate_chunks<2>(weights, values + d, count, head_dim, out + d);
  for (; d + kLanes <= head_dim; d += kLanes)
    accumulate_chunks<1>(weights, values + d, count, head_dim, out + d);
  for (; d < head_dim; ++d)
    for (int j = 0; j < count; ++j)
      out[d] += weights[j] * values[j * head_dim + d];
}

void load_f16(const std::byte* from, int count, int head_dim, std::size_t stride, float* to) {
  const auto* rows = reinterpret_cast<const std::uint16_t*>(from);
  for (int j = 0; j < count; ++j) {
    const std::uint16_t* row = rows + j * stride;
    float* out = to + j * head_dim;
    int d = 0;
    for (; d + kLanes <= head_dim; d += kLanes)
      _mm256_storeu_ps(out + d, load8(row + d));
    for (; d < head_dim; ++d)
      out[d] = element(row + d);
  }
}

void store_f16(const float* from, int count, std::byte* to) {
  auto* halves = reinterpret_cast<std::uint16_t*>(to);
  int i = 0;
  for (; i + kLanes <= count; i += kLanes)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(halves + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(from + i), _MM_FROUND_TO_NEAREST_INT));
  // Not _cvtss_sh: Clang's macro for it is a C compound literal (-Wpedantic).
  for (; i < count; ++i)
    halves[i] = static_cast<std::uint16_t>(
        _mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(from[i]), _MM_FROUND_TO_NEAREST_INT), 0));
}

constexpr Kernels kAvx2{"avx2-fma",
                        gemm,
                        attention_scores,
                        exp_sum,
                        accumulate_values,
                        KvKernels{load_f32_rows, store_f32_rows},
                        KvKernels{load_f16, store_f16}};

}  // namespace

const Kernels* avx2_kernels() {
  return &kAvx2;
}

}  // namespace sbench::server::model

#else

namespace sbench::server::model {
const Kernels* avx2_kernels() {
  return nullptr;
}
}  // namespace sbench::server::model

#endif
