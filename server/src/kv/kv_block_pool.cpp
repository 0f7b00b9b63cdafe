#include "kv/kv_block_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>

namespace sbench::server {
namespace {

// Slabs of about this many bytes amortise allocation without committing the
// whole pool up front, so the server's RSS follows the blocks in use.
constexpr std::size_t kSlabTargetBytes = 32u << 20;
constexpr std::size_t kAlignment = 64;

}  // namespace

void KvBlockPool::FreeAligned::operator()(std::byte* p) const {
  std::free(p);
}

KvBlockPool::KvBlockPool(const ModelConfig& config, KvDtype dtype, int block_size,
                         std::size_t max_blocks)
    : dtype_(dtype),
      element_bytes_(kv_dtype_bytes(dtype)),
      block_size_(block_size),
      kv_dim_(config.kv_dim()),
      block_elements_(std::size_t{2} * config.n_layers * block_size * config.kv_dim()),
      max_blocks_(max_blocks) {
  if (block_size <= 0)
    throw std::invalid_argument("KV block size must be positive");
  if (max_blocks == 0)
    throw std::invalid_argument("KV pool needs at least one block");
  slab_blocks_ = std::clamp<std::size_t>(kSlabTargetBytes / block_bytes(), 1, max_blocks);
  // Never reallocated, so block_base() may read it without the lock while
  // another thread adds a slab.
  slabs_.reserve((max_blocks_ + slab_blocks_ - 1) / slab_blocks_);
}

KvBlockPool::~KvBlockPool() = default;

bool KvBlockPool::allocate(std::size_t count, std::vector<BlockId>& table) {
  std::lock_guard lock(mutex_);
  if (count > max_blocks_ - used_)
    return false;
  while (free_list_.size() < count) {
    const std::size_t first = slabs_.size() * slab_blocks_;
    const std::size_t blocks = std::min(slab_blocks_, max_blocks_ - first);
    const std::size_t bytes = (blocks * block_bytes() + kAlignment - 1) / kAlignment * kAlignment;
    auto* memory = static_cast<std::byte*>(std::aligned_alloc(kAlignment, bytes));
    if (memory == nullptr)
      throw std::bad_alloc();
    slabs_.emplace_back(memory);
    // Pushed in reverse so blocks are handed out in ascending order.
    for (std::size_t i = blocks; i-- > 0;)
      free_list_.push_back(static_cast<BlockId>(first + i));
  }
  table.reserve(table.size() + count);
  for (std::size_t i = 0; i < count; ++i) {
    table.push_back(free_list_.back());
    free_list_.pop_back();
  }
  used_ += count;
  return true;
}

void KvBlockPool::release(std::vector<BlockId>& table) {
  std::lock_guard lock(mutex_);
  for (auto it = table.rbegin(); it != table.rend(); ++it)
    free_list_.push_back(*it);
  used_ -= table.size();
  table.clear();
}

std::byte* KvBlockPool::block_base(BlockId block) const {
  const auto index = static_cast<std::size_t>(block);
  return slabs_[index / slab_blocks_].get() + (index % slab_blocks_) * block_bytes();
}

std::byte* KvBlockPool::keys(BlockId block, int layer) const {
  return block_base(block) + std::size_t{2} * layer * block_size_ * kv_dim_ * element_bytes_;
}

std::byte* KvBlockPool::values(BlockId block, int layer) const {
  return keys(block, layer) + static_cast<std::size_t>(block_size_) * kv_dim_ * element_bytes_;
}

std::size_t KvBlockPool::used_blocks() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::size_t KvBlockPool::materialized_blocks() const {
  std::lock_guard lock(mutex_);
  return used_ + free_list_.size();
}

}  // namespace sbench::server
