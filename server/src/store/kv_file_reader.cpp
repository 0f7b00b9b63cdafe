#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

#include "sbench/server/engine_error.hpp"
#include "store/file_checksum.hpp"
#include "store/kv_file.hpp"
#include "store/kv_file_format.hpp"
#include "store/kv_payload_layout.hpp"
#include "store/posix_file.hpp"

namespace sbench::server {
namespace {

namespace fs = std::filesystem;
using Kind = EngineError::Kind;
using store::KvFileHeader;
using store::PosixFile;

std::string hex(std::uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof(text), "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

class CacheFileError {
 public:
  explicit CacheFileError(const fs::path& path) : path_(path.string()) {}
  [[noreturn]] void fail(Kind kind, const std::string& problem) const {
    throw EngineError(kind, "cache file " + path_ + ": " + problem);
  }
  [[noreturn]] void corrupt(const std::string& problem) const {
    fail(Kind::kCorruptCache, problem);
  }

 private:
  std::string path_;
};

// Regular files only. O_NOFOLLOW: a symlink planted in the cache folder is
// not followed out of it; O_NONBLOCK: opening a FIFO planted under the name
// returns at once instead of blocking an I/O thread for ever (fstat then
// refuses it, as it refuses a directory).
PosixFile open_cache_file(const fs::path& path, const CacheFileError& error) {
  PosixFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!file.is_open()) {
    const int code = errno;
    if (code == ENOENT)
      error.fail(Kind::kNotFound, "not found");
    if (code == ELOOP)
      error.corrupt("is a symbolic link; cache files must be regular files");
    error.fail(Kind::kIo, std::strerror(code));
  }
  struct stat status {};
  if (::fstat(file.fd(), &status) != 0)
    error.fail(Kind::kIo, std::strerror(errno));
  if (!S_ISREG(status.st_mode))
    error.corrupt("is not a regular file");
  return file;
}

// Everything is checked before a block is taken, so a bad file costs no memory.
KvFileHeader read_valid_header(const PosixFile& file, const KvFileModel& model, KvDtype dtype,
                               int max_tokens, const CacheFileError& error) {
  const std::size_t size = store::file_size(file);
  KvFileHeader header;
  const iovec header_segment{&header, sizeof(header)};
  if (size < sizeof(header) || store::pread_all(file, {&header_segment, 1}, 0) < sizeof(header)) {
    error.corrupt("truncated: " + std::to_string(size) + " bytes, shorter than the header");
  }
  if (header.magic != store::kKvFileMagic)
    error.corrupt("not a cache file (bad magic)");
  if (header.version != store::kKvFileVersion) {
    error.corrupt("unsupported format version " + std::to_string(header.version));
  }
  if (header.dtype != store::kKvDtypeF32 && header.dtype != store::kKvDtypeF16)
    error.corrupt("unsupported dtype " + std::to_string(header.dtype));
  if (header.dtype != store::kv_file_dtype(dtype)) {
    const KvDtype written = header.dtype == store::kKvDtypeF16 ? KvDtype::f16 : KvDtype::f32;
    error.corrupt(std::string("holds an ") + kv_dtype_name(written) +
                  " KV cache; this server keeps " + kv_dtype_name(dtype) + " (--kv-dtype " +
                  kv_dtype_name(written) + " loads it)");
  }
  if (header.fingerprint != model.fingerprint) {
    error.corrupt("model fingerprint mismatch: expected " + hex(model.fingerprint) + " got " +
                  hex(header.fingerprint) + " (written by another model)");
  }
  if (header.n_layers != static_cast<std::uint32_t>(model.n_layers) ||
      header.kv_dim != static_cast<std::uint32_t>(model.kv_dim)) {
    error.corrupt("shape " + std::to_string(header.n_layers) + " layers x " +
                  std::to_string(header.kv_dim) + " does not match the model");
  }
  if (header.reserved != 0)
    error.corrupt("reserved header bytes are not zero");
  if (header.kv_tokens > header.tokens)
    error.corrupt("more KV tokens than tokens");
  // The counts, the length field and the file size must agree before a count
  // is believed: a damaged count is a damaged file, not a capacity limit.
  const std::uint64_t expected = store::kv_payload_bytes(header.tokens, header.kv_tokens,
                                                         header.n_layers, header.kv_dim, dtype);
  if (header.payload_bytes != expected) {
    error.corrupt("the header's payload length is " + std::to_string(header.payload_bytes) +
                  " bytes, but " + std::to_string(header.tokens) + " tokens (" +
                  std::to_string(header.kv_tokens) + " with KV) need " + std::to_string(expected));
  }
  if (sizeof(header) + expected != size) {
    error.corrupt("truncated or padded: " + std::to_string(size) + " bytes, expected " +
                  std::to_string(sizeof(header) + expected));
  }
  if (header.tokens > static_cast<std::uint32_t>(max_tokens)) {
    error.fail(Kind::kCapacity, "holds " + std::to_string(header.tokens) +
                                    " tokens, more than the context limit of " +
                                    std::to_string(max_tokens));
  }
  return header;
}

// Reads the payload straight into `loaded`'s token vector and blocks, each
// batch hashed while the next is read.
void read_payload(const PosixFile& file, const KvFileHeader& header, const KvFileModel& model,
                  const KvBlockPool& pool, LoadedKvContext& loaded, const CacheFileError& error) {
  const auto segments =
      store::kv_payload_segments(loaded.tokens, loaded.kv_tokens, loaded.blocks, pool, model);
  store::FileChecksum checksum;
  off_t offset = sizeof(header);
  store::for_each_io_batch(segments, [&](std::span<const iovec> batch) {
    std::size_t wanted = 0;
    for (const iovec& segment : batch)
      wanted += segment.iov_len;
    if (store::pread_all(file, batch, offset) != wanted)
      error.corrupt("truncated while reading");
    checksum.add(batch);
    offset += static_cast<off_t>(wanted);
  });
  KvFileHeader summed = store::header_to_checksum(header);
  const iovec summed_segment{&summed, sizeof(summed)};
  checksum.add({&summed_segment, 1});
  if (const std::uint64_t actual = checksum.value(); actual != header.checksum)
    error.corrupt("checksum mismatch: expected " + hex(header.checksum) + " got " + hex(actual));
  const auto invalid = [&](int token) { return token < 0 || token >= model.vocab_size; };
  if (std::any_of(loaded.tokens.begin(), loaded.tokens.end(), invalid)) {
    error.corrupt("token id outside the model's vocabulary");
  }
}

}  // namespace

LoadedKvContext load_kv_file(const fs::path& path, const KvFileModel& model, KvBlockPool& pool,
                             int max_tokens) {
  const CacheFileError error(path);
  LoadedKvContext loaded;
  try {
    const PosixFile file = open_cache_file(path, error);
    const KvFileHeader header = read_valid_header(file, model, pool.dtype(), max_tokens, error);
    loaded.tokens.resize(header.tokens);
    loaded.kv_tokens = static_cast<int>(header.kv_tokens);
    if (!pool.allocate(pool.blocks_for_tokens(header.kv_tokens), loaded.blocks)) {
      error.fail(Kind::kCapacity,
                 "needs " + std::to_string(pool.blocks_for_tokens(header.kv_tokens)) +
                     " KV blocks, only " + std::to_string(pool.free_blocks()) + " free");
    }
    read_payload(file, header, model, pool, loaded, error);
    loaded.file_bytes = sizeof(header) + header.payload_bytes;
    return loaded;
  } catch (const std::system_error& failure) {
    pool.release(loaded.blocks);
    error.fail(Kind::kIo, failure.what());
  } catch (...) {
    pool.release(loaded.blocks);
    throw;
  }
}

}  // namespace sbench::server
