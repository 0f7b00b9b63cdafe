#include "store/kv_payload_layout.hpp"

#include <limits.h>

#include <algorithm>

namespace sbench::server::store {
namespace {

constexpr std::size_t kIoBatchBytes = std::size_t{8} << 20;

// iovec has no const variant; the writer only ever reads through these.
iovec segment(const void* data, std::size_t bytes) {
  return iovec{const_cast<void*>(data), bytes};
}

}  // namespace

std::vector<iovec> kv_payload_segments(std::span<const int> tokens, int kv_tokens,
                                       std::span<const BlockId> blocks, const KvBlockPool& pool,
                                       const KvFileModel& model) {
  const int block_size = pool.block_size();
  const std::size_t used_blocks = pool.blocks_for_tokens(static_cast<std::size_t>(kv_tokens));
  std::vector<iovec> segments;
  segments.reserve(1 + 2 * static_cast<std::size_t>(model.n_layers) * used_blocks);
  segments.push_back(segment(tokens.data(), tokens.size_bytes()));

  const auto run_bytes = [&](std::size_t block_index) {
    const int first = static_cast<int>(block_index) * block_size;
    const int slots = std::min(block_size, kv_tokens - first);
    return static_cast<std::size_t>(slots) * model.kv_dim * pool.element_bytes();
  };
  for (int layer = 0; layer < model.n_layers; ++layer) {
    for (std::size_t b = 0; b < used_blocks; ++b) {
      segments.push_back(segment(pool.keys(blocks[b], layer), run_bytes(b)));
    }
    for (std::size_t b = 0; b < used_blocks; ++b) {
      segments.push_back(segment(pool.values(blocks[b], layer), run_bytes(b)));
    }
  }
  return segments;
}

void for_each_io_batch(std::span<const iovec> segments,
                       const std::function<void(std::span<const iovec>)>& transfer) {
  std::size_t begin = 0;
  while (begin < segments.size()) {
    std::size_t end = begin;
    std::size_t bytes = 0;
    while (end < segments.size() && end - begin < IOV_MAX &&
           (end == begin || bytes + segments[end].iov_len <= kIoBatchBytes)) {
      bytes += segments[end].iov_len;
      ++end;
    }
    transfer(segments.subspan(begin, end - begin));
    begin = end;
  }
}

}  // namespace sbench::server::store
