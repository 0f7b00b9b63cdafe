#pragma once

#include <string>
#include <vector>

#include "kv/kv_block_pool.hpp"
#include "sbench/server/engine.hpp"

namespace sbench::server::engine {

// One sequence's context and KV cache: a named agent, or the temporary
// sequence of a stateless completion (empty id).
//
// Fields change only under the engine mutex. While `activity` is not kIdle the
// agent belongs to whoever made it busy (the scheduler or a cache operation):
// nobody else changes it, so that owner may read it without the mutex while
// the forward pass or the file I/O runs.
struct Agent {
  enum class Activity { kIdle, kGenerating, kCaching };

  std::string id;
  std::vector<int> tokens;  // the whole context
  // Leading tokens whose keys and values are in `blocks`. The last sampled
  // token is not among them: its KV is computed when the next request feeds it.
  int kv_tokens = 0;
  std::vector<BlockId> blocks;
  bool resident = true;  // false after unload: the KV lives only in the cache file
  Activity activity = Activity::kIdle;
  RequestId request = 0;  // the generation running on it, while kGenerating
  // Deleted while busy: the owner frees the blocks when it is done.
  bool deleted = false;

  bool anonymous() const { return id.empty(); }
  int context_tokens() const { return static_cast<int>(tokens.size()); }
};

}  // namespace sbench::server::engine
