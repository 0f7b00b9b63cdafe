#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "store/kv_file.hpp"

namespace sbench::server::store {

// The payload as memory runs in file order (token ids, then for each layer
// every block's keys, then every block's values), so a save gathers and a load
// scatters them with vectored I/O straight from and into block memory instead
// of copying through a staging buffer. `tokens` must hold the token ids.
std::vector<iovec> kv_payload_segments(std::span<const int> tokens, int kv_tokens,
                                       std::span<const BlockId> blocks, const KvBlockPool& pool,
                                       const KvFileModel& model);

// Calls `transfer` on consecutive runs of `segments` small enough for one
// preadv/pwritev call and large enough (megabytes) to keep syscalls rare.
void for_each_io_batch(std::span<const iovec> segments,
                       const std::function<void(std::span<const iovec>)>& transfer);

}  // namespace sbench::server::store
