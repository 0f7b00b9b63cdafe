#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "kv/kv_block_pool.hpp"

namespace sbench::server {

// Cache files: one agent's tokens and KV cache on disk, block-size independent
// so a file outlives the server configuration that wrote it. Failures are
// reported as EngineError (sbench/server/engine_error.hpp) with a message that
// names the file.

// The model a cache file belongs to; a file is only ever loaded into the model
// that wrote it.
struct KvFileModel {
  std::uint64_t fingerprint = 0;
  int n_layers = 0;
  int kv_dim = 0;
  int vocab_size = 0;  // token ids read back are checked against it
};

// An agent's context as it sits in the pool: the keys and values of the first
// `kv_tokens` of `tokens` are in `blocks`.
struct KvContextView {
  std::span<const int> tokens;
  int kv_tokens = 0;
  std::span<const BlockId> blocks;
};

struct LoadedKvContext {
  std::vector<int> tokens;
  int kv_tokens = 0;
  std::vector<BlockId> blocks;  // the caller owns them and releases them into the pool
  std::size_t file_bytes = 0;
};

// Replaces `path` atomically (temp file in the same folder, then rename), so a
// failed save (full disk, I/O error) leaves the previous file as it was and no
// temp file behind. `durable` adds the fsyncs that make the new file survive a
// power cut. Creates the folder when missing. Returns the file size. Throws
// EngineError kIo.
std::size_t save_kv_file(const std::filesystem::path& path, const KvFileModel& model,
                         const KvContextView& context, const KvBlockPool& pool, bool durable);

// Removes the temp files a save killed mid-way left in `folder`
// ("<id>.kv.tmp.XXXXXX"; only agent `id`'s when given). A save holds an
// exclusive flock on its temp file until it renames it, and the kernel drops
// that lock when the process dies: a temp file whose lock can be taken has no
// writer, in this process or another sharing the folder. Only regular files
// are touched, never through a symlink. Returns how many were removed.
std::size_t remove_orphan_temp_files(const std::filesystem::path& folder,
                                     const std::string& id = {});

// Validates the whole header against `model` and the file size before taking
// any block, then reads the payload straight into freshly allocated blocks.
// Throws EngineError: kNotFound (no such file), kCorruptCache (damaged,
// truncated, checksum mismatch, another model's file), kCapacity (more than
// `max_tokens` tokens, or not enough free blocks), kIo. On failure the pool's
// used blocks are as before.
LoadedKvContext load_kv_file(const std::filesystem::path& path, const KvFileModel& model,
                             KvBlockPool& pool, int max_tokens);

}  // namespace sbench::server
