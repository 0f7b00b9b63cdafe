// The AVX-512 GEMM and attention products. This file alone is compiled with
// -mavx512f (see server/CMakeLists.txt); best_kernels() hands it out only
// after checking the CPU and the OS. The rest of this kernel set is the AVX2
// set's: the softmax, a lone query's reads from the cache and the
// element-wise kernels are bound by memory or by their exps, not by FMAs.
//
// What 32 registers of 16 floats buy over AVX2's 16 of 8: a decode batch of
// up to 15 agents in one pass over each panel (AVX2 needs two passes from 7
// rows on, the memory stream idle during the second), and tiles of 24
// accumulators for prefill's products (below). On a core with two 512-bit
// FMA pipes (an Intel Xeon's) that doubles what AVX2 can do a cycle; on one
// that splits a 512-bit FMA in two (AMD's Zen 4) it saves instructions.
//
// Each output is the same fused multiply-add chain, lane by lane, as in the
// AVX2 kernel, so both sets give the same bits.
#include "model/kernels.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "model/register_tiles.hpp"

namespace sbench::server::model {
namespace {

// As in the AVX2 kernel: a panel is one k-ordered stream of cache lines, and
// a few rows consume it too slowly for the hardware prefetcher alone. From
// kRowsPrefetchingNextTile rows on this is not far enough either.
constexpr int kPrefetchAhead = 48;

// The line kPrefetchAhead k past `line` in its panel, as an address: past a
// run's last panel it lies outside the weights, which a prefetch may ask for
// but pointer arithmetic must not reach.
const char* line_ahead(const float* line) {
  return reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(line) +
                                       std::uintptr_t{kPrefetchAhead} * kPanelWidth *
                                           sizeof(float));
}

// The columns of panel `p` of a tile that exist in Y (the matrix's last
// panel may be partial).
__mmask16 valid_columns(int valid, int p) {
  const int n = std::clamp(valid - p * kPanelWidth, 0, kPanelWidth);
  return static_cast<__mmask16>((1u << n) - 1);
}

// R rows x P panels of outputs, one register each, for the whole k range.
// kStreaming: these panels are read from memory (a decode step's one pass),
// so from kRowsPrefetchingNextTile rows on the tile also asks for line k of
// up to P panels after its own, those of the run that come next.
template <int R, int P, bool kStreaming>
void gemm_tile(const GemmBlock& b, int panel) {
  static_assert(R * P <= 24, "accumulators must leave registers for weights and broadcasts");
  constexpr bool kPrefetchNext = kStreaming && R >= kRowsPrefetchingNextTile;
  const int next_panels = kPrefetchNext ? std::min(P, b.panel_count - panel - P) : 0;
  const float* w = b.panels + panel * b.panel_stride;
  float* y = b.y + panel * kPanelWidth;
  const int valid = std::min(P * kPanelWidth, b.columns - panel * kPanelWidth);

  __m512 acc[R][P];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p)
      acc[r][p] = b.k_begin == 0 ? _mm512_setzero_ps()
                                 : _mm512_maskz_loadu_ps(valid_columns(valid, p),
                                                         y + r * b.y_stride + p * kPanelWidth);

  for (int k = b.k_begin; k < b.k_end; ++k) {
    __m512 weights[P];
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) {
      _mm_prefetch(line_ahead(w + p * b.panel_stride + k * kPanelWidth), _MM_HINT_T0);
      if (kPrefetchNext && p < next_panels)
        _mm_prefetch(reinterpret_cast<const char*>(w + (P + p) * b.panel_stride + k * kPanelWidth),
                     _MM_HINT_T2);
      weights[p] = _mm512_loadu_ps(w + p * b.panel_stride + k * kPanelWidth);
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512 xk = _mm512_set1_ps(b.x[r * b.x_stride + k]);
#pragma GCC unroll 4
      for (int p = 0; p < P; ++p)
        acc[r][p] = _mm512_fmadd_ps(xk, weights[p], acc[r][p]);
    }
  }

#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p)
      _mm512_mask_storeu_ps(y + r * b.y_stride + p * kPanelWidth, valid_columns(valid, p),
                            acc[r][p]);
}

// Up to 8 rows take two panels or more at a time: two streams in flight and
// enough independent chains to hide the FMA latency.
template <int R, bool kStreaming>
void gemm_rows(const GemmBlock& b) {
  constexpr int kPanels = R <= 4 ? 4 : R <= 8 ? 2 : 1;
  int panel = 0;
  for (; panel + kPanels <= b.panel_count; panel += kPanels)
    gemm_tile<R, kPanels, kStreaming>(b, panel);
  for (; panel < b.panel_count; ++panel)
    gemm_tile<R, 1, kStreaming>(b, panel);
}

template <bool kStreaming, int... R>
constexpr auto rows_table(std::integer_sequence<int, R...>) {
  return std::array<void (*)(const GemmBlock&), sizeof...(R)>{&gemm_rows<R + 1, kStreaming>...};
}

// Rows [row, row + rows) of `b` over its panels [panel, panel + panels).
GemmBlock part(const GemmBlock& b, int row, int rows, int panel, int panels) {
  GemmBlock part = b;
  part.x += row * b.x_stride;
  part.rows = rows;
  part.panels += panel * b.panel_stride;
  part.panel_count = panels;
  part.y += row * b.y_stride + panel * kPanelWidth;
  part.columns -= panel * kPanelWidth;
  return part;
}

// Prefill: a group of panels at a time; within it kPrefillPanels panels at a
// time, so their k block of weights stays in cache while every full row
// block reads it; the rows left over then pass over the group with the
// decode tiles. A tile's k step loads its panels' weights and broadcasts one
// input per row: the 8 x 1 tiles used before made 9 loads per 8 FMAs,
// load-bound on a core that takes two loads and two 512-bit FMAs a cycle.
// 8 x 3 makes 11 per 24. On an Intel Xeon guest, M=256 GEMMs of the small
// preset's FFN shapes: 8 x 1 ~210 GFLOP/s, 8 x 2 ~268, 12 x 2 and 6 x 4
// ~285, 8 x 3 ~297 (OpenBLAS 270).
constexpr int kPanelGroup = 6;
constexpr int kPrefillRows = 8;
constexpr int kPrefillPanels = 3;

template <int... P>
constexpr auto prefill_table(std::integer_sequence<int, P...>) {
  return std::array<void (*)(const GemmBlock&, int), sizeof...(P)>{
      &gemm_tile<kPrefillRows, P + 1, false>...};
}

void gemm(const GemmBlock& b) {
  static_assert(kRowsForKBlocking - 1 <= 16, "a decode batch must fit one tile");
  // A decode batch streams each weight once; a prefill's leftover rows pass
  // over panels the full row tiles just read.
  static constexpr auto kDecodeByRows =
      rows_table<true>(std::make_integer_sequence<int, kRowsForKBlocking - 1>());
  static constexpr auto kLeftoverByRows =
      rows_table<false>(std::make_integer_sequence<int, kRowsForKBlocking - 1>());
  static constexpr auto kPrefillByPanels =
      prefill_table(std::make_integer_sequence<int, kPrefillPanels>());
  if (b.rows <= 0)
    return;
  if (b.rows < kRowsForKBlocking) {
    kDecodeByRows[b.rows - 1](b);
    return;
  }
  const int full_rows = b.rows / kPrefillRows * kPrefillRows;
  for (int panel = 0; panel < b.panel_count; panel += kPanelGroup) {
    const int group = std::min(kPanelGroup, b.panel_count - panel);
    for (int p = panel; p < panel + group; p += kPrefillPanels) {
      const int panels = std::min(kPrefillPanels, panel + group - p);
      const auto tile = kPrefillByPanels[panels - 1];
      // One block advanced down the rows, not a part() per tile: building
      // each (a 64-byte copy, then fields rewritten) just before the tile
      // read it cost ~5% of the M = 256 GEMM (270-285 against 286-297
      // GFLOP/s on an Intel Xeon guest; a stories110M 2K prefill 1.83-2.00
      // against 1.67-1.77 s).
      GemmBlock rows = part(b, 0, kPrefillRows, p, panels);
      for (int row = 0; row < full_rows; row += kPrefillRows) {
        tile(rows, 0);
        rows.x += kPrefillRows * b.x_stride;
        rows.y += kPrefillRows * b.y_stride;
      }
    }
    if (b.rows > full_rows)
      kLeftoverByRows[b.rows - full_rows - 1](part(b, full_rows, b.rows - full_rows, panel, group));
  }
}

// Attention's two products, as the GEMM: tiles of 24 accumulators, each
// vector loaded once for the tile's queries and each query's element
// broadcast once for the tile's vectors. The AVX2 set computes every output
// with the same chain, lane by lane, so what these tiles leave (keys past the
// last whole tile, queries past the last whole row of tiles, a head
// dimension that is not whole vectors) is handed to it. On an Intel Xeon
// guest, an 8K-token prefill of `small` took 14.1 s against 16.5 with the
// AVX2 products; stories110M's 2K prefill ~2.5% less.
struct Avx512 {
  using Vector = __m512;
  static constexpr int kLanes = 16;
  static Vector zero() { return _mm512_setzero_ps(); }
  static Vector load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vector v) { _mm512_storeu_ps(p, v); }
  static Vector splat(float x) { return _mm512_set1_ps(x); }
  static Vector fma(Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); }
};
constexpr int kScoreVectors = 4;  // 64 keys: a whole softmax step of the prefill
constexpr int kTileKeys = kScoreVectors * Avx512::kLanes;

// scores[q][j] for Q queries x 64 keys, over the whole head.
template <int Q>
void score_tile(const float* queries, int head_dim, const float* keys, std::size_t keys_stride,
                float scale, float* scores, int scores_stride) {
  __m512 acc[Q][kScoreVectors];
  register_tiles::set_zero<Avx512>(acc);
  for (int d = 0; d < head_dim; ++d) {
    __m512 key[kScoreVectors];
#pragma GCC unroll 4
    for (int n = 0; n < kScoreVectors; ++n)
      key[n] = Avx512::load(keys + d * keys_stride + n * Avx512::kLanes);
    register_tiles::multiply_add_outer<Avx512>(
        acc, key, [&](int q) { return Avx512::splat(queries[q * head_dim + d]); });
  }
  const __m512 factor = _mm512_set1_ps(scale);
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 4
    for (int n = 0; n < kScoreVectors; ++n)
      Avx512::store(scores + q * scores_stride + n * Avx512::kLanes,
                    _mm512_mul_ps(acc[q][n], factor));
}

// Q queries against every key: whole tiles here, the keys after them by
// the AVX2 set.
template <int Q>
void score_rows(const float* queries, int head_dim, const float* keys, int key_count,
                std::size_t keys_stride, float scale, float* scores, int scores_stride) {
  int j = 0;
  for (; j + kTileKeys <= key_count; j += kTileKeys)
    score_tile<Q>(queries, head_dim, keys + j, keys_stride, scale, scores + j, scores_stride);
  if (j < key_count)
    avx2_kernels()->attention_scores(queries, Q, keys + j, key_count - j, keys_stride, head_dim,
                                     scale, scores + j, scores_stride);
}

// Calls tiles(q, Q) for queries [q, q + Q) of `query_count`: six at a time
// where a tile has them, then three, then one (Q a std::integral_constant).
template <class Tiles>
void for_query_tiles(int query_count, Tiles&& tiles) {
  int q = 0;
  for (; q + 6 <= query_count; q += 6)
    tiles(q, std::integral_constant<int, 6>{});
  for (; q + 3 <= query_count; q += 3)
    tiles(q, std::integral_constant<int, 3>{});
  for (; q < query_count; ++q)
    tiles(q, std::integral_constant<int, 1>{});
}

void attention_scores(const float* queries, int query_count, const float* keys, int key_count,
                      std::size_t keys_stride, int head_dim, float scale, float* scores,
                      int scores_stride) {
  for_query_tiles(query_count, [&](int q, auto rows) {
    score_rows<decltype(rows)::value>(queries + q * head_dim, head_dim, keys, key_count,
                                      keys_stride, scale, scores + q * scores_stride,
                                      scores_stride);
  });
}

// The gathered values in tiles of Q queries x 64 dimensions of the head.
constexpr int kValueVectors = 4;
constexpr int kTileDims = kValueVectors * Avx512::kLanes;

template <int Q>
void accumulate_rows(const float* weights, int weights_stride, const float* values, int key_count,
                     int head_dim, float* out) {
  for (int d = 0; d < head_dim; d += kTileDims)
    register_tiles::accumulate_tile<Avx512, Q, kValueVectors>(weights, weights_stride, values + d,
                                                              key_count, head_dim, out + d);
}

void accumulate_values(const float* weights, int weights_stride, int query_count,
                       const float* values, int key_count, int head_dim, float* out) {
  if (head_dim % kTileDims != 0) {
    avx2_kernels()->accumulate_values(weights, weights_stride, query_count, values, key_count,
                                      head_dim, out);
    return;
  }
  for_query_tiles(query_count, [&](int q, auto rows) {
    accumulate_rows<decltype(rows)::value>(weights + q * weights_stride, weights_stride, values,
                                           key_count, head_dim, out + q * head_dim);
  });
}

}  // namespace

const Kernels* avx512_kernels() {
  static const Kernels kernels = [] {
    Kernels avx512 = *avx2_kernels();
    avx512.name = "avx512-fma";
    avx512.gemm = gemm;
    avx512.attention_scores = attention_scores;
    avx512.accumulate_values = accumulate_values;
    return avx512;
  }();
  return &kernels;
}

}  // namespace sbench::server::model

#else

namespace sbench::server::model {
const Kernels* avx512_kernels() {
  return nullptr;
}
}  // namespace sbench::server::model

#endif
