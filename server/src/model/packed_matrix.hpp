#pragma once

#include <cstddef>

#include "model/aligned_floats.hpp"
#include "model/kernels.hpp"
#include "model/thread_pool.hpp"

namespace sbench::server::model {

// A weight matrix W[rows][cols] (rows = outputs, cols = inputs, as llama2.c
// stores it) rearranged into panels of kPanelWidth rows, k-major inside a
// panel: the layout the GEMM kernels stream. Padding rows in the last panel
// are zero; every real row must be given with set_rows before use.
class PackedMatrix {
 public:
  PackedMatrix() = default;
  PackedMatrix(int rows, int cols);

  // Copies row-major rows [count][cols] into rows [first_row, first_row + count).
  void set_rows(int first_row, const float* rows, int count, ThreadPool& pool);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int panels() const { return (rows_ + kPanelWidth - 1) / kPanelWidth; }
  std::size_t panel_stride() const { return static_cast<std::size_t>(cols_) * kPanelWidth; }
  const float* data() const { return data_.data(); }
  std::size_t bytes() const { return data_.size() * sizeof(float); }

 private:
  int rows_ = 0;
  int cols_ = 0;
  AlignedFloats data_;
};

}  // namespace sbench::server::model
