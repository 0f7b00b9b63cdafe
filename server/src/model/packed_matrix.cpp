#include "model/packed_matrix.hpp"

#include <algorithm>
#include <stdexcept>

namespace sbench::server::model {

PackedMatrix::PackedMatrix(int rows, int cols)
    : rows_(rows),
      cols_(cols),
      data_(static_cast<std::size_t>((rows + kPanelWidth - 1) / kPanelWidth) * kPanelWidth * cols) {
}

void PackedMatrix::set_rows(int first_row, const float* rows, int count, ThreadPool& pool) {
  if (first_row < 0 || count < 0 || first_row + count > rows_)
    throw std::out_of_range("packed matrix rows out of range");
  const int first_panel = first_row / kPanelWidth;
  const int last_panel = (first_row + count - 1) / kPanelWidth;
  pool.run(last_panel - first_panel + 1, [&](int index, int) {
    const int panel = first_panel + index;
    const int begin = std::max(first_row, panel * kPanelWidth);
    const int end = std::min(first_row + count, (panel + 1) * kPanelWidth);
    float* out = data_.data() + panel * panel_stride();
    // k outer so the writes run sequentially through the panel.
    for (int k = 0; k < cols_; ++k)
      for (int row = begin; row < end; ++row)
        out[k * kPanelWidth + row % kPanelWidth] =
            rows[static_cast<std::size_t>(row - first_row) * cols_ + k];
  });
}

}  // namespace sbench::server::model
