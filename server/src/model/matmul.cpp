#include "model/matmul.hpp"

#include <algorithm>

namespace sbench::server::model {
namespace {

// With many rows (prefill) the k range is cut so a panel's slice of weights
// (kKBlock * kPanelWidth floats = 16 KiB; the AVX-512 tiles take three) stays
// in cache across all row blocks.
// A decode batch reads each weight once anyway and streams whole panels.
constexpr int kKBlock = 256;

}  // namespace

void matmul(const Kernels& kernels, ThreadPool& pool, const float* x, int rows,
            const PackedMatrix& w, float* y) {
  if (rows <= 0)
    return;
  const int panels = w.panels();
  const int tasks = std::min(pool.size(), panels);
  const int k_block = rows >= kRowsForKBlocking ? kKBlock : w.cols();
  pool.run(tasks, [&](int task, int) {
    // Contiguous panel ranges: each thread streams one run of memory.
    const int first = static_cast<int>(static_cast<long>(panels) * task / tasks);
    const int last = static_cast<int>(static_cast<long>(panels) * (task + 1) / tasks);
    for (int k = 0; k < w.cols(); k += k_block) {
      GemmBlock block{};
      block.x = x;
      block.x_stride = static_cast<std::size_t>(w.cols());
      block.rows = rows;
      block.panels = w.data() + first * w.panel_stride();
      block.panel_stride = w.panel_stride();
      block.panel_count = last - first;
      block.k_begin = k;
      block.k_end = std::min(w.cols(), k + k_block);
      block.y = y + first * kPanelWidth;
      block.y_stride = static_cast<std::size_t>(w.rows());
      block.columns = w.rows() - first * kPanelWidth;
      kernels.gemm(block);
    }
  });
}

}  // namespace sbench::server::model
