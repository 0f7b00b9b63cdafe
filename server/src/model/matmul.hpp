#pragma once

#include "model/kernels.hpp"
#include "model/packed_matrix.hpp"
#include "model/thread_pool.hpp"

namespace sbench::server::model {

// Y[m][n] = sum_k X[m][k] * W[n][k] for X [rows][w.cols()] and Y [rows][w.rows()],
// both row-major and contiguous. The pool's threads split the outputs (n),
// and every Y[m][n] comes out bit-identical whatever `rows` is, whichever
// other rows are present and however many threads run (see GemmBlock).
void matmul(const Kernels& kernels, ThreadPool& pool, const float* x, int rows,
            const PackedMatrix& w, float* y);

}  // namespace sbench::server::model
