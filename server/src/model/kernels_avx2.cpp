// AVX2+FMA+F16C kernels. This file alone is compiled with -mavx2 -mfma -mf16c (see
// server/CMakeLists.txt); best_kernels() only hands these out after checking
// the CPU, so the rest of the library stays portable.
#include <algorithm>

#include "model/kernels.hpp"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

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
  } else if (valid == kWidth) {
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < P * kVectorsPerPanel; ++v)
        acc[r][v] = _mm256_loadu_ps(y + r * b.y_stride + v * kLanes);
  } else {
    // The matrix's last panel: only `valid` columns of Y exist.
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

// The three levels of horizontal_sum's tree applied to several vectors at
// once. Lanes 0-3: a's (lanes i and i + 4 added), lanes 4-7: b's.
__m256 quad_sums(__m256 a, __m256 b) {
  return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}
// In each 128-bit half: [x0 + x2, x1 + x3, y0 + y2, y1 + y3].
__m256 pair_sums(__m256 x, __m256 y) {
  return _mm256_add_ps(_mm256_shuffle_ps(x, y, 0x44), _mm256_shuffle_ps(x, y, 0xEE));
}
// In each 128-bit half: [x0 + x1, x2 + x3, y0 + y1, y2 + y3].
__m256 final_sums(__m256 x, __m256 y) {
  return _mm256_add_ps(_mm256_shuffle_ps(x, y, 0x88), _mm256_shuffle_ps(x, y, 0xDD));
}

// The dot products of eight keys: lane n holds horizontal_sum(acc[n]) * scale,
// through the same additions in the same tree as horizontal_sum (a float sum
// of the same two operands is the same either way round), so a key scored
// in a group of eight gets the bits it would get alone, in a quarter of the
// shuffles.
void store_eight_scores(const __m256 (&acc)[8], float scale, float* scores) {
  __m256 quads[4];  // lanes 0-3: the quad of key n; lanes 4-7: of key n + 4
#pragma GCC unroll 4
  for (int n = 0; n < 4; ++n)
    quads[n] = quad_sums(acc[n], acc[n + 4]);
  // [pair0, pair1] of keys n and n + 1 (n + 4, n + 5 in the upper half)
  const __m256 sums = final_sums(pair_sums(quads[0], quads[1]), pair_sums(quads[2], quads[3]));
  _mm256_storeu_ps(scores, _mm256_mul_ps(sums, _mm256_set1_ps(scale)));
}

// The same for four keys.
void store_four_scores(const __m256 (&acc)[4], float scale, float* scores) {
  // lanes 0-3: the pairs of keys 0 and 2; lanes 4-7: of keys 1 and 3
  const __m256 pairs = pair_sums(quad_sums(acc[0], acc[1]), quad_sums(acc[2], acc[3]));
  // lanes 0-3: keys 0, 2, 0, 2; lanes 4-7: keys 1, 3, 1, 3
  const __m256 sums = final_sums(pairs, pairs);
  const __m128 ordered =
      _mm_unpacklo_ps(_mm256_castps256_ps128(sums), _mm256_extractf128_ps(sums, 1));
  _mm_storeu_ps(scores, _mm_mul_ps(ordered, _mm_set1_ps(scale)));
}

// acc[q][n] += row(q) * columns[n]: one outer-product step of a register
// tile, each row operand made once for all its columns.
template <int Q, int N, class Row>
void multiply_add_outer(__m256 (&acc)[Q][N], const __m256 (&columns)[N], Row&& row) {
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q) {
    const __m256 operand = row(q);
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n)
      acc[q][n] = _mm256_fmadd_ps(operand, columns[n], acc[q][n]);
  }
}

// Q queries x K keys of scores, all Q * K dot products in registers over the
// whole head (a multiple of the vector width), each key loaded once for the
// Q queries.
template <int Q, int K>
void score_tile(const float* queries, const float* keys, int head_dim, float scale, float* scores,
                int scores_stride) {
  static_assert(Q * K <= 8 || (Q * K <= 12 && K <= 4), "accumulators must fit in registers");
  __m256 acc[Q][K];
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
    for (int n = 0; n < K; ++n)
      acc[q][n] = _mm256_setzero_ps();
  for (int d = 0; d < head_dim; d += kLanes) {
    __m256 key[K];
#pragma GCC unroll 16
    for (int n = 0; n < K; ++n)
      key[n] = _mm256_loadu_ps(keys + n * head_dim + d);
    multiply_add_outer(acc, key,
                       [&](int q) { return _mm256_loadu_ps(queries + q * head_dim + d); });
  }
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q) {
    float* out = scores + q * scores_stride;
    if constexpr (K == 8)
      store_eight_scores(acc[q], scale, out);
    else if constexpr (K == 4)
      store_four_scores(acc[q], scale, out);
    else
      *out = horizontal_sum(acc[q][0]) * scale;
  }
}

// Q queries against every key: eight or four keys at a time, then one.
template <int Q>
void score_rows(const float* queries, const float* keys, int key_count, int head_dim, float scale,
                float* scores, int scores_stride) {
  constexpr int kKeysAtOnce = Q == 1 ? 8 : 4;
  int j = 0;
  for (; j + kKeysAtOnce <= key_count; j += kKeysAtOnce)
    score_tile<Q, kKeysAtOnce>(queries, keys + j * head_dim, head_dim, scale, scores + j,
                               scores_stride);
  for (; j < key_count; ++j)
    score_tile<Q, 1>(queries, keys + j * head_dim, head_dim, scale, scores + j, scores_stride);
}

void attention_scores(const float* queries, int query_count, const float* keys, int key_count,
                      int head_dim, float scale, float* scores, int scores_stride) {
  const int vector_dims = head_dim / kLanes * kLanes;
  if (vector_dims != head_dim) {
    // A head the vectors do not cover (no model this server builds has one):
    // one dot product at a time, the tail added after the vector sum.
    for (int q = 0; q < query_count; ++q)
      for (int j = 0; j < key_count; ++j) {
        const float* query = queries + q * head_dim;
        const float* key = keys + j * head_dim;
        __m256 acc = _mm256_setzero_ps();
        for (int d = 0; d < vector_dims; d += kLanes)
          acc = _mm256_fmadd_ps(_mm256_loadu_ps(query + d), _mm256_loadu_ps(key + d), acc);
        float dot = horizontal_sum(acc);
        for (int d = vector_dims; d < head_dim; ++d)
          dot += query[d] * key[d];
        scores[q * scores_stride + j] = dot * scale;
      }
    return;
  }
  int q = 0;
  for (; q + 3 <= query_count; q += 3)
    score_rows<3>(queries + q * head_dim, keys, key_count, head_dim, scale,
                  scores + q * scores_stride, scores_stride);
  for (; q < query_count; ++q)
    score_rows<1>(queries + q * head_dim, keys, key_count, head_dim, scale,
                  scores + q * scores_stride, scores_stride);
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

// All ones in the lanes of keys j..j+7 below `count`.
__m256 lanes_below(int j, int count) {
  return _mm256_cmp_ps(_mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7),
                       _mm256_set1_ps(static_cast<float>(count - j)), _CMP_LT_OQ);
}

// Eight floats from p + j, zeros for those at or past `end`.
__m256 load_before(const float* p, int j, int end) {
  if (j + kLanes <= end)
    return _mm256_loadu_ps(p + j);
  alignas(32) float tail[kLanes] = {};
  std::copy(p + j, p + end, tail);
  return _mm256_load_ps(tail);
}

// Stores the lanes of `values` that fall before `end`, from p + j.
void store_before(__m256 values, float* p, int j, int end) {
  if (j + kLanes <= end) {
    _mm256_storeu_ps(p + j, values);
    return;
  }
  alignas(32) float tail[kLanes];
  _mm256_store_ps(tail, values);
  std::copy(tail, tail + (end - j), p + j);
}

float softmax_step(float* scores, int count, int width, SoftmaxState& state) {
  const __m256 minus_infinity = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  __m256 max = minus_infinity;
  for (int j = 0; j < count; j += kLanes)
    max = _mm256_max_ps(max, _mm256_blendv_ps(minus_infinity, load_before(scores, j, count),
                                              lanes_below(j, count)));
  const __m128 half = _mm_max_ps(_mm256_castps256_ps128(max), _mm256_extractf128_ps(max, 1));
  const __m128 pair = _mm_max_ps(half, _mm_movehl_ps(half, half));
  const float step_max = _mm_cvtss_f32(_mm_max_ss(pair, _mm_movehdup_ps(pair)));
  float rescale = 1.0f;
  if (step_max > state.max) {
    // exp(-inf) = 0 on a query's first step: nothing to rescale yet.
    rescale = std::exp(state.max - step_max);
    state.sum *= rescale;
    state.max = step_max;
  }
  const __m256 shift = _mm256_set1_ps(state.max);
  __m256 sum = _mm256_setzero_ps();
  for (int j = 0; j < width; j += kLanes) {
    // Lanes past `count` are masked to exactly zero: they add nothing.
    const __m256 weights =
        _mm256_and_ps(exp_nonpositive(_mm256_sub_ps(load_before(scores, j, width), shift)),
                      lanes_below(j, count));
    store_before(weights, scores, j, width);
    sum = _mm256_add_ps(sum, weights);
  }
  state.sum += horizontal_sum(sum);
  return rescale;
}

// Q queries x C vectors of one head's outputs, held in registers over every
// key: each key's values are loaded once for the Q queries. Twelve
// accumulators (3 x 4) keep more multiply-adds in flight than one FMA's
// latency needs.
template <int Q, int C>
void accumulate_tile(const float* weights, int weights_stride, const float* values, int key_count,
                     int head_dim, float* out) {
  __m256 acc[Q][C];
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      acc[q][c] = _mm256_loadu_ps(out + q * head_dim + c * kLanes);
  for (int j = 0; j < key_count; ++j) {
    __m256 value[C];
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      value[c] = _mm256_loadu_ps(values + j * head_dim + c * kLanes);
    multiply_add_outer(
        acc, value, [&](int q) { return _mm256_broadcast_ss(weights + q * weights_stride + j); });
  }
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      _mm256_storeu_ps(out + q * head_dim + c * kLanes, acc[q][c]);
}

template <int Q>
void accumulate_rows(const float* weights, int weights_stride, const float* values, int key_count,
                     int head_dim, float* out) {
  int d = 0;
  for (; d + 4 * kLanes <= head_dim; d += 4 * kLanes)
    accumulate_tile<Q, 4>(weights, weights_stride, values + d, key_count, head_dim, out + d);
  for (; d + kLanes <= head_dim; d += kLanes)
    accumulate_tile<Q, 1>(weights, weights_stride, values + d, key_count, head_dim, out + d);
  for (; d < head_dim; ++d)
    for (int q = 0; q < Q; ++q)
      for (int j = 0; j < key_count; ++j)
        out[q * head_dim + d] = std::fma(weights[q * weights_stride + j], values[j * head_dim + d],
                                         out[q * head_dim + d]);
}

void accumulate_values(const float* weights, int weights_stride, int query_count,
                       const float* values, int key_count, int head_dim, float* out) {
  int q = 0;
  for (; q + 3 <= query_count; q += 3)
    accumulate_rows<3>(weights + q * weights_stride, weights_stride, values, key_count, head_dim,
                       out + q * head_dim);
  for (; q < query_count; ++q)
    accumulate_rows<1>(weights + q * weights_stride, weights_stride, values, key_count, head_dim,
                       out + q * head_dim);
}

void silu_multiply(const float* gate, const float* up, int count, float* out) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  auto silu_times = [&](__m256 x, __m256 y) {
    // exp(-|x|) never overflows: sigmoid(x) = 1 / (1 + e) for x >= 0 and
    // e / (1 + e) below.
    const __m256 e = exp_nonpositive(_mm256_or_ps(x, sign));
    const __m256 numerator = _mm256_blendv_ps(one, e, x);  // x's sign bit picks e
    return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_div_ps(numerator, _mm256_add_ps(one, e))), y);
  };
  for (int i = 0; i < count; i += kLanes)
    store_before(silu_times(load_before(gate, i, count), load_before(up, i, count)), out, i, count);
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
                        softmax_step,
                        accumulate_values,
                        silu_multiply,
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
