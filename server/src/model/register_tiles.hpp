#pragma once

// Register tiles that the vector kernel sets share. Each set's file
// instantiates them with its own vector type (a Simd: Vector, kLanes, zero,
// load, store, splat and fma), under its own compiler flags, so one template serves
// AVX2's 8 floats and AVX-512's 16 without either leaking into the other.
namespace sbench::server::model::register_tiles {

template <class Simd, int Q, int N>
inline void set_zero(typename Simd::Vector (&acc)[Q][N]) {
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n)
      acc[q][n] = Simd::zero();
}

// acc[q][n] += row(q) * columns[n]: one outer-product step of a tile, each
// row operand made once for all its columns.
template <class Simd, int Q, int N, class Row>
inline void multiply_add_outer(typename Simd::Vector (&acc)[Q][N],
                               const typename Simd::Vector (&columns)[N], Row&& row) {
#pragma GCC unroll 16
  for (int q = 0; q < Q; ++q) {
    const typename Simd::Vector operand = row(q);
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n)
      acc[q][n] = Simd::fma(operand, columns[n], acc[q][n]);
  }
}

// out[q * head_dim + d] += sum_j weights[q * weights_stride + j] *
// values[j * head_dim + d] for Q queries and the C vectors of dimensions
// from `out`, held in registers over every key: each key's values are
// loaded once for the Q queries, each output one multiply-add chain over j
// ascending.
template <class Simd, int Q, int C>
inline void accumulate_tile(const float* weights, int weights_stride, const float* values,
                            int key_count, int head_dim, float* out) {
  typename Simd::Vector acc[Q][C];
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      acc[q][c] = Simd::load(out + q * head_dim + c * Simd::kLanes);
  for (int j = 0; j < key_count; ++j) {
    typename Simd::Vector value[C];
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      value[c] = Simd::load(values + j * head_dim + c * Simd::kLanes);
    multiply_add_outer<Simd>(acc, value,
                             [&](int q) { return Simd::splat(weights[q * weights_stride + j]); });
  }
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c)
      Simd::store(out + q * head_dim + c * Simd::kLanes, acc[q][c]);
}

}  // namespace sbench::server::model::register_tiles
