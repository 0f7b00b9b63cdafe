#pragma once

#include <sys/uio.h>
#include <xxhash.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

namespace sbench::server::store {

// XXH3_64 of a cache file: the payload, batch by batch as it is written or
// read, then the header (kv_file_format.hpp, header_to_checksum).
//
// The batches are hashed on a thread of the checksum's own, in the order
// they were added, while the caller moves the next batch: copying a batch
// to or from the page cache and hashing it take about as long each (an
// 8K-token load of `small` took ~46 ms with the two one after the other on
// one thread, ~27 ms overlapped; docs/PERFORMANCE.md). add() waits while
// kBatchesQueued batches are not hashed yet, so a batch is hashed while it
// is still in the last-level cache.
class FileChecksum {
 public:
  FileChecksum();
  // Stops the hashing thread; batches not hashed yet are dropped (their
  // memory may be freed once this returns).
  ~FileChecksum();
  FileChecksum(const FileChecksum&) = delete;
  FileChecksum& operator=(const FileChecksum&) = delete;

  // Queues a batch. The segments, and the bytes they point to, must stay
  // as they are until value() returns or this checksum is destroyed.
  void add(std::span<const iovec> segments);

  // The hash of every batch added so far, once all are hashed.
  std::uint64_t value();

 private:
  // The one being hashed and two more.
  static constexpr std::size_t kBatchesQueued = 3;

  void hash_batches();

  struct FreeState {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, FreeState> state_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::span<const iovec>> queued_;  // added, not hashed yet (the front: being hashed)
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace sbench::server::store
