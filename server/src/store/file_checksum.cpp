#include "store/file_checksum.hpp"

#include <new>

namespace sbench::server::store {

FileChecksum::FileChecksum() : state_(XXH3_createState()) {
  if (!state_ || XXH3_64bits_reset(state_.get()) == XXH_ERROR)
    throw std::bad_alloc();
  thread_ = std::thread([this] { hash_batches(); });
}

FileChecksum::~FileChecksum() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void FileChecksum::add(std::span<const iovec> segments) {
  std::unique_lock lock(mutex_);
  // No timeout: the thread waited on only hashes memory, which always
  // finishes.
  changed_.wait(lock, [this] { return queued_.size() < kBatchesQueued; });
  queued_.push_back(segments);
  lock.unlock();
  changed_.notify_all();
}

std::uint64_t FileChecksum::value() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_.empty(); });
  return XXH3_64bits_digest(state_.get());
}

void FileChecksum::hash_batches() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (stopping_)
      return;
    // Left at the front while it is hashed, so an empty queue means done.
    const std::span<const iovec> batch = queued_.front();
    lock.unlock();
    for (const iovec& segment : batch)
      XXH3_64bits_update(state_.get(), segment.iov_base, segment.iov_len);
    lock.lock();
    queued_.pop_front();
    changed_.notify_all();
  }
}

}  // namespace sbench::server::store
