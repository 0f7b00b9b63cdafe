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

#include "model/register_tiles.hpp"

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
// stream bandwidth-bound, up to kRowsPrefetchingNextTile rows.
constexpr int kPrefetchAhead = 48;

// The line kPrefetchAhead k past `line` in its panel, as an address: past a
// run's last panel it lies outside the weights, which a prefetch may ask for
// but pointer arithmetic must not reach.
const char* line_ahead(const float* line) {
  return reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(line) +
                                       std::uintptr_t{kPrefetchAhead} * kPanelWidth *
                                           sizeof(float));
}

// Eight f16 cache elements as f32, and one for the tails.
__m256 load8(const std::uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
float element(const std::uint16_t* p) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(*p)));
}
// The same for the f32 cache, so a template over the element type reads
// either.
__m256 load8(const float* p) {
  return _mm256_loadu_ps(p);
}
float element(const float* p) {
  return *p;
}

// One fixed reduction tree, so a sum's value never depends on the code path
// that computed it.
float horizontal_sum(__m256 v) {
  const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
}

// R rows x P panels of outputs held in 2*R*P registers for the whole k range.
// kStreaming: these panels are read from memory (the first pass of a decode
// step over them), so from kRowsPrefetchingNextTile rows on the tile also
// asks for line k of up to P panels after its own, those of the run that
// come next.
template <int R, int P, bool kStreaming>
void gemm_tile(const GemmBlock& b, int row, int panel) {
  static_assert(R * P * kVectorsPerPanel <= 12, "accumulators must fit in registers");
  constexpr bool kPrefetchNext = kStreaming && R >= kRowsPrefetchingNextTile;
  const int next_panels = kPrefetchNext ? std::min(P, b.panel_count - panel - P) : 0;
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
    for (int p = 0; p < P; ++p) {
      _mm_prefetch(line_ahead(w + p * b.panel_stride + k * kPanelWidth), _MM_HINT_T0);
      if (kPrefetchNext && p < next_panels)
        _mm_prefetch(reinterpret_cast<const char*>(w + (P + p) * b.panel_stride + k * kPanelWidth),
                     _MM_HINT_T2);
    }
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
// enough independent work to hide their latency. Not kStreaming: a pass over
// panels a pass of full row tiles has just read.
template <int R, int P, bool kStreaming>
void gemm_rows(const GemmBlock& b, int row, int panel, int group) {
  int p = 0;
  for (; p + P <= group; p += P)
    gemm_tile<R, P, kStreaming>(b, row, panel + p);
  for (; p < group; ++p)
    gemm_tile<R, 1, kStreaming>(b, row, panel + p);
}

// The rows a pass of full row tiles leaves (all of a batch of fewer rows).
template <bool kStreaming>
void gemm_leftover_rows(const GemmBlock& b, int row, int panel, int group) {
  switch (b.rows - row) {
    case 1:
      gemm_rows<1, 4, kStreaming>(b, row, panel, group);
      break;
    case 2:
      gemm_rows<2, 2, kStreaming>(b, row, panel, group);
      break;
    case 3:
      gemm_rows<3, 2, kStreaming>(b, row, panel, group);
      break;
    case 4:
      gemm_rows<4, 1, kStreaming>(b, row, panel, group);
      break;
    case 5:
      gemm_rows<5, 1, kStreaming>(b, row, panel, group);
      break;
    default:
      break;
  }
}

void gemm(const GemmBlock& b) {
  const int full_rows = b.rows / kMaxTileRows * kMaxTileRows;
  // A decode step streams each panel from memory in its first row tile.
  const bool decode = b.rows < kRowsForKBlocking;
  for (int panel = 0; panel < b.panel_count; panel += kPanelGroup) {
    const int group = std::min(kPanelGroup, b.panel_count - panel);
    // Panel by panel, so one panel's slice of weights stays in L1 while
    // every full row block (a prefill has dozens) reads it.
    for (int p = panel; p < panel + group; ++p)
      for (int row = 0; row < full_rows; row += kMaxTileRows)
        if (decode && row == 0)
          gemm_tile<kMaxTileRows, 1, true>(b, row, p);
        else
          gemm_tile<kMaxTileRows, 1, false>(b, row, p);
    if (full_rows == 0)
      gemm_leftover_rows<true>(b, full_rows, panel, group);
    else
      gemm_leftover_rows<false>(b, full_rows, panel, group);
  }
}

// The vectors of this set, for the register tiles the sets share.
struct Avx2 {
  using Vector = __m256;
  static constexpr int kLanes = 8;
  static Vector zero() { return _mm256_setzero_ps(); }
  static Vector load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vector v) { _mm256_storeu_ps(p, v); }
  static Vector splat(float x) { return _mm256_set1_ps(x); }
  static Vector fma(Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); }
};

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

// Q queries x K vectors of eight keys, all Q * 8K scores in registers over
// the whole head: each key vector loaded once for the Q queries, each query
// element broadcast once for the K vectors. A partial tile is one vector of
// `valid` (< 8) keys, loaded and stored masked: nothing past it is read.
template <int Q, int K, bool kPartial = false>
void score_tile(const float* queries, int head_dim, const float* keys, std::size_t keys_stride,
                int valid, float scale, float* scores, int scores_stride) {
  static_assert(Q * K <= 12 || (Q == 1 && K <= 8), "accumulators must fit in registers");
  static_assert(!kPartial || K == 1, "a partial tile is one vector");
  __m256 acc[Q][K];
  register_tiles::set_zero<Avx2>(acc);
  const __m256i mask = _mm256_castps_si256(lanes_below(0, valid));
  for (int d = 0; d < head_dim; ++d) {
    const float* row = keys + d * keys_stride;
    __m256 key[K];
#pragma GCC unroll 16
    for (int n = 0; n < K; ++n)
      key[n] = kPartial ? _mm256_maskload_ps(row, mask) : _mm256_loadu_ps(row + n * kLanes);
    register_tiles::multiply_add_outer<Avx2>(
        acc, key, [&](int q) { return _mm256_broadcast_ss(queries + q * head_dim + d); });
  }
  const __m256 factor = _mm256_set1_ps(scale);
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
    for (int n = 0; n < K; ++n)
      store_before(_mm256_mul_ps(acc[q][n], factor), scores + q * scores_stride, n * kLanes, valid);
}

// Q queries against every key: K vectors of eight at a time, then one
// vector at a time, then the partial vector.
template <int Q, int K>
void score_rows(const float* queries, int head_dim, const float* keys, int key_count,
                std::size_t keys_stride, float scale, float* scores, int scores_stride) {
  int j = 0;
  for (; j + K * kLanes <= key_count; j += K * kLanes)
    score_tile<Q, K>(queries, head_dim, keys + j, keys_stride, K * kLanes, scale, scores + j,
                     scores_stride);
  for (; j + kLanes <= key_count; j += kLanes)
    score_tile<Q, 1>(queries, head_dim, keys + j, keys_stride, kLanes, scale, scores + j,
                     scores_stride);
  if (j < key_count)
    score_tile<Q, 1, true>(queries, head_dim, keys + j, keys_stride, key_count - j, scale,
                           scores + j, scores_stride);
}

// Every score is the same chain of multiply-adds down the dimensions,
// lane by lane, whichever tile computes it: the tiles differ only in how
// many chains run side by side.
void attention_scores(const float* queries, int query_count, const float* keys, int key_count,
                      std::size_t keys_stride, int head_dim, float scale, float* scores,
                      int scores_stride) {
  int q = 0;
  for (; q + 6 <= query_count; q += 6)
    score_rows<6, 2>(queries + q * head_dim, head_dim, keys, key_count, keys_stride, scale,
                     scores + q * scores_stride, scores_stride);
  for (; q + 3 <= query_count; q += 3)
    score_rows<3, 4>(queries + q * head_dim, head_dim, keys, key_count, keys_stride, scale,
                     scores + q * scores_stride, scores_stride);
  for (; q < query_count; ++q)
    score_rows<1, 8>(queries + q * head_dim, head_dim, keys, key_count, keys_stride, scale,
                     scores + q * scores_stride, scores_stride);
}

float softmax_step(float* scores, int count, int width, SoftmaxState& state) {
  // Most steps are whole (count == width, a multiple of 8): their vectors
  // skip the masks, which give the same values there.
  const int whole = count / kLanes * kLanes;
  const __m256 minus_infinity = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  __m256 max = minus_infinity;
  for (int j = 0; j < whole; j += kLanes)
    max = _mm256_max_ps(max, _mm256_loadu_ps(scores + j));
  if (whole < count)
    max = _mm256_max_ps(max, _mm256_blendv_ps(minus_infinity, load_before(scores, whole, count),
                                              lanes_below(whole, count)));
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
  int j = 0;
  for (; j < whole; j += kLanes) {
    const __m256 weights = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), shift));
    _mm256_storeu_ps(scores + j, weights);
    sum = _mm256_add_ps(sum, weights);
  }
  for (; j < width; j += kLanes) {
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

template <int Q, int C>
void accumulate_rows(const float* weights, int weights_stride, const float* values, int key_count,
                     int head_dim, float* out) {
  int d = 0;
  for (; d + C * kLanes <= head_dim; d += C * kLanes)
    register_tiles::accumulate_tile<Avx2, Q, C>(weights, weights_stride, values + d, key_count,
                                                head_dim, out + d);
  for (; d + kLanes <= head_dim; d += kLanes)
    register_tiles::accumulate_tile<Avx2, Q, 1>(weights, weights_stride, values + d, key_count,
                                                head_dim, out + d);
  for (; d < head_dim; ++d)
    for (int q = 0; q < Q; ++q)
      for (int j = 0; j < key_count; ++j)
        out[q * head_dim + d] = std::fma(weights[q * weights_stride + j], values[j * head_dim + d],
                                         out[q * head_dim + d]);
}

// Six queries at a time where a tile has them (two value loads and six
// broadcasts per twelve multiply-adds: ~6% fewer of a 2K prefill's samples
// than three queries by four vectors), then three, then one.
void accumulate_values(const float* weights, int weights_stride, int query_count,
                       const float* values, int key_count, int head_dim, float* out) {
  int q = 0;
  for (; q + 6 <= query_count; q += 6)
    accumulate_rows<6, 2>(weights + q * weights_stride, weights_stride, values, key_count, head_dim,
                          out + q * head_dim);
  for (; q + 3 <= query_count; q += 3)
    accumulate_rows<3, 4>(weights + q * weights_stride, weights_stride, values, key_count, head_dim,
                          out + q * head_dim);
  for (; q < query_count; ++q)
    accumulate_rows<1, 8>(weights + q * weights_stride, weights_stride, values, key_count, head_dim,
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

// Rows r[0..7] become columns: r[i] lane n <- r[n] lane i.
[[gnu::always_inline]] inline void transpose8(__m256 (&r)[kLanes]) {
  __m256 pairs[kLanes];  // in each half: lanes 0-1 of two rows interleaved, or lanes 2-3
#pragma GCC unroll 4
  for (int i = 0; i < kLanes; i += 2) {
    pairs[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    pairs[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  __m256 quads[kLanes];  // in each half: one lane of four rows
#pragma GCC unroll 2
  for (int i = 0; i < kLanes; i += 4) {
    quads[i] = _mm256_shuffle_ps(pairs[i], pairs[i + 2], 0x44);
    quads[i + 1] = _mm256_shuffle_ps(pairs[i], pairs[i + 2], 0xEE);
    quads[i + 2] = _mm256_shuffle_ps(pairs[i + 1], pairs[i + 3], 0x44);
    quads[i + 3] = _mm256_shuffle_ps(pairs[i + 1], pairs[i + 3], 0xEE);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(quads[i], quads[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(quads[i], quads[i + 4], 0x31);
  }
}

// KvKernels::load_transposed for elements of type T (read by load8 and
// element): eight rows by eight dimensions at a time, transposed in
// registers.
template <class T>
void load_transposed(const std::byte* from, int count, int head_dim, std::size_t stride, float* to,
                     std::size_t to_stride) {
  const auto* rows = reinterpret_cast<const T*>(from);
  int j = 0;
  for (; j + kLanes <= count; j += kLanes) {
    int d = 0;
    for (; d + kLanes <= head_dim; d += kLanes) {
      __m256 block[kLanes];
#pragma GCC unroll 8
      for (int i = 0; i < kLanes; ++i)
        block[i] = load8(rows + (j + i) * stride + d);
      transpose8(block);
#pragma GCC unroll 8
      for (int i = 0; i < kLanes; ++i)
        _mm256_storeu_ps(to + (d + i) * to_stride + j, block[i]);
    }
    for (; d < head_dim; ++d)
      for (int i = 0; i < kLanes; ++i)
        to[d * to_stride + j + i] = element(rows + (j + i) * stride + d);
  }
  for (; j < count; ++j)
    for (int d = 0; d < head_dim; ++d)
      to[d * to_stride + j] = element(rows + j * stride + d);
}

// Scores of K groups of eight keys against one query: each group's rows are
// transposed in registers eight dimensions at a time and folded straight
// into its chain (score_tile's, lane by lane). K chains side by side hide
// the multiply-add latency.
template <int K, class T>
void query_score_groups(const float* query, const std::byte* const* rows, int head_dim, float scale,
                        float* scores) {
  auto row = [&](int key) { return reinterpret_cast<const T*>(rows[key]); };
  __m256 acc[K];
#pragma GCC unroll 4
  for (int g = 0; g < K; ++g)
    acc[g] = _mm256_setzero_ps();
  int d = 0;
  for (; d + kLanes <= head_dim; d += kLanes) {
#pragma GCC unroll 4
    for (int g = 0; g < K; ++g) {
      __m256 block[kLanes];
#pragma GCC unroll 8
      for (int i = 0; i < kLanes; ++i)
        block[i] = load8(row(g * kLanes + i) + d);
      transpose8(block);
#pragma GCC unroll 8
      for (int i = 0; i < kLanes; ++i)
        acc[g] = _mm256_fmadd_ps(_mm256_broadcast_ss(query + d + i), block[i], acc[g]);
    }
  }
  for (; d < head_dim; ++d)
    for (int g = 0; g < K; ++g) {
      alignas(32) float column[kLanes];
      for (int i = 0; i < kLanes; ++i)
        column[i] = element(row(g * kLanes + i) + d);
      acc[g] = _mm256_fmadd_ps(_mm256_broadcast_ss(query + d), _mm256_load_ps(column), acc[g]);
    }
  const __m256 factor = _mm256_set1_ps(scale);
#pragma GCC unroll 4
  for (int g = 0; g < K; ++g)
    _mm256_storeu_ps(scores + g * kLanes, _mm256_mul_ps(acc[g], factor));
}

// KvKernels::query_scores for elements of type T: four groups of eight keys
// at a time, then the keys left (up to 31) as one to four groups in one
// pass, a partial group's missing keys repeating a real key's row and their
// scores dropped: every score stays one vector lane's chain, never a scalar
// chain's latency.
template <class T>
void query_scores(const float* query, const std::byte* const* rows, int count, int head_dim,
                  float scale, float* scores) {
  constexpr int kGroups = 4;
  int j = 0;
  for (; j + kGroups * kLanes <= count; j += kGroups * kLanes)
    query_score_groups<kGroups, T>(query, rows + j, head_dim, scale, scores + j);
  if (j == count)
    return;
  const int left = count - j;
  const std::byte* padded[kGroups * kLanes];
  for (int i = 0; i < kGroups * kLanes; ++i)
    padded[i] = rows[j + (i < left ? i : 0)];
  alignas(32) float padded_scores[kGroups * kLanes];
  switch ((left + kLanes - 1) / kLanes) {
    case 1:
      query_score_groups<1, T>(query, padded, head_dim, scale, padded_scores);
      break;
    case 2:
      query_score_groups<2, T>(query, padded, head_dim, scale, padded_scores);
      break;
    case 3:
      query_score_groups<3, T>(query, padded, head_dim, scale, padded_scores);
      break;
    default:
      query_score_groups<4, T>(query, padded, head_dim, scale, padded_scores);
      break;
  }
  std::copy_n(padded_scores, left, scores + j);
}

// C vectors of one query's outputs, from column `d` on, over every value:
// register_tiles::accumulate_tile<Avx2, 1, C> reading the cache.
template <int C, class T>
void query_value_columns(const float* weights, const std::byte* const* rows, int count, int d,
                         float* out) {
  __m256 acc[C];
#pragma GCC unroll 8
  for (int c = 0; c < C; ++c)
    acc[c] = _mm256_loadu_ps(out + d + c * kLanes);
  for (int j = 0; j < count; ++j) {
    const auto* value = reinterpret_cast<const T*>(rows[j]) + d;
    const __m256 weight = _mm256_broadcast_ss(weights + j);
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      acc[c] = _mm256_fmadd_ps(weight, load8(value + c * kLanes), acc[c]);
  }
#pragma GCC unroll 8
  for (int c = 0; c < C; ++c)
    _mm256_storeu_ps(out + d + c * kLanes, acc[c]);
}

// KvKernels::query_values for elements of type T, in accumulate_rows<1, 8>'s
// pieces.
template <class T>
void query_values(const float* weights, const std::byte* const* rows, int count, int head_dim,
                  float* out) {
  int d = 0;
  for (; d + 8 * kLanes <= head_dim; d += 8 * kLanes)
    query_value_columns<8, T>(weights, rows, count, d, out);
  for (; d + kLanes <= head_dim; d += kLanes)
    query_value_columns<1, T>(weights, rows, count, d, out);
  for (; d < head_dim; ++d)
    for (int j = 0; j < count; ++j)
      out[d] = std::fma(weights[j], element(reinterpret_cast<const T*>(rows[j]) + d), out[d]);
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
                        KvKernels{load_f32_rows, load_transposed<float>, store_f32_rows,
                                  query_scores<float>, query_values<float>},
                        KvKernels{load_f16, load_transposed<std::uint16_t>, store_f16,
                                  query_scores<std::uint16_t>, query_values<std::uint16_t>}};

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
