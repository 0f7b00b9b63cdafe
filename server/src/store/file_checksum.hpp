#pragma once

#include <sys/uio.h>
#include <xxhash.h>

#include <cstdint>
#include <memory>
#include <new>
#include <span>

namespace sbench::server::store {

// XXH3_64 of a cache file: the payload, fed batch by batch while it is
// written or read so the data is hashed while still in cache and never
// traversed twice, then the header (kv_file_format.hpp, header_to_checksum).
class FileChecksum {
 public:
  FileChecksum() : state_(XXH3_createState()) {
    if (!state_ || XXH3_64bits_reset(state_.get()) == XXH_ERROR)
      throw std::bad_alloc();
  }

  void add(std::span<const iovec> segments) {
    for (const iovec& segment : segments) {
      XXH3_64bits_update(state_.get(), segment.iov_base, segment.iov_len);
    }
  }

  std::uint64_t value() const { return XXH3_64bits_digest(state_.get()); }

 private:
  struct FreeState {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, FreeState> state_;
};

}  // namespace sbench::server::store
