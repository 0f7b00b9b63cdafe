#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "sbench/server/model_config.hpp"

namespace sbench::server {

using BlockId = std::int32_t;

// Fixed-size KV blocks shared by all agents (a paged KV cache). A block holds
// `block_size` token slots for every layer; within a block the layout is
// [layer][key|value][slot][kv_dim] so one layer's keys for a block are one
// contiguous run, which is what attention and the cache file read. Elements
// are of the pool's KvDtype, so keys() and values() hand out raw bytes.
//
// Blocks are allocated lazily in slabs up to `max_blocks` and never move, so a
// pointer into a block stays valid while the block is owned. Thread-safe.
class KvBlockPool {
 public:
  KvBlockPool(const ModelConfig& config, KvDtype dtype, int block_size, std::size_t max_blocks);
  ~KvBlockPool();
  KvBlockPool(const KvBlockPool&) = delete;
  KvBlockPool& operator=(const KvBlockPool&) = delete;

  // Appends `count` blocks to `table`; all or nothing. Returns false (and
  // leaves `table` unchanged) when the pool cannot supply them.
  bool allocate(std::size_t count, std::vector<BlockId>& table);
  void release(std::vector<BlockId>& table);  // returns every block, clears `table`

  std::byte* keys(BlockId block, int layer) const;
  std::byte* values(BlockId block, int layer) const;

  KvDtype dtype() const { return dtype_; }
  std::size_t element_bytes() const { return element_bytes_; }
  int block_size() const { return block_size_; }
  std::size_t block_bytes() const { return block_elements_ * element_bytes_; }
  std::size_t max_blocks() const { return max_blocks_; }
  std::size_t used_blocks() const;
  std::size_t free_blocks() const { return max_blocks_ - used_blocks(); }
  // Blocks whose memory exists (used + cached free list); grows in slabs.
  std::size_t materialized_blocks() const;

  std::size_t blocks_for_tokens(std::size_t tokens) const {
    return (tokens + block_size_ - 1) / block_size_;
  }

 private:
  std::byte* block_base(BlockId block) const;

  KvDtype dtype_;
  std::size_t element_bytes_;
  int block_size_;
  int kv_dim_;
  std::size_t block_elements_;
  std::size_t max_blocks_;
  std::size_t slab_blocks_;

  mutable std::mutex mutex_;
  struct FreeAligned {
    void operator()(std::byte* p) const;
  };
  std::vector<std::unique_ptr<std::byte, FreeAligned>> slabs_;
  std::vector<BlockId> free_list_;
  std::size_t used_ = 0;
};

}  // namespace sbench::server
