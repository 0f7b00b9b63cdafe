#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
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
using store::PosixFile;

// "<id>.kv" is written as "<id>.kv.tmp.XXXXXX" (mkostemp fills the Xs).
constexpr std::string_view kTempInfix = ".kv.tmp.";
constexpr std::size_t kTempRandomChars = 6;

[[noreturn]] void throw_errno(const char* operation) {
  throw std::system_error(errno, std::generic_category(), operation);
}

// A uniquely named file next to the target, removed unless committed, so no
// failure path can leave a half-written file behind.
class TempFile {
 public:
  explicit TempFile(const fs::path& target) : name_(target.string() + ".tmp.XXXXXX") {
    file_ = PosixFile(::mkostemp(name_.data(), O_CLOEXEC));
    if (!file_.is_open())
      throw_errno("create temp file");
    // Marks the file as being written (see remove_orphan_temp_files); a new
    // file's lock is free, so this never waits.
    if (::flock(file_.fd(), LOCK_EX | LOCK_NB) != 0)
      throw_errno("lock temp file");
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_)
      ::unlink(name_.c_str());
  }

  const PosixFile& file() const { return file_; }
  void close() { file_.close_checked(); }
  void commit_as(const fs::path& target) {
    if (::rename(name_.c_str(), target.c_str()) != 0)
      throw_errno("rename");
    committed_ = true;
  }

 private:
  std::string name_;
  PosixFile file_;
  bool committed_ = false;
};

// The rename itself lives in the folder's entries, which need their own fsync.
void fsync_folder(const fs::path& folder) {
  PosixFile dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.is_open())
    throw_errno("open folder");
  store::fsync_or_throw(dir);
}

std::size_t write_kv_file(const fs::path& path, const KvFileModel& model,
                          const KvContextView& context, const KvBlockPool& pool, bool durable) {
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  fs::create_directories(folder);

  store::KvFileHeader header;
  header.fingerprint = model.fingerprint;
  header.n_layers = static_cast<std::uint32_t>(model.n_layers);
  header.kv_dim = static_cast<std::uint32_t>(model.kv_dim);
  header.tokens = static_cast<std::uint32_t>(context.tokens.size());
  header.kv_tokens = static_cast<std::uint32_t>(context.kv_tokens);
  header.dtype = store::kv_file_dtype(pool.dtype());
  header.payload_bytes = store::kv_payload_bytes(header.tokens, header.kv_tokens, header.n_layers,
                                                 header.kv_dim, pool.dtype());

  TempFile temp(path);
  const auto segments =
      store::kv_payload_segments(context.tokens, context.kv_tokens, context.blocks, pool, model);
  store::FileChecksum checksum;
  off_t offset = sizeof(header);
  store::for_each_io_batch(segments, [&](std::span<const iovec> batch) {
    checksum.add(batch);
    store::pwrite_all(temp.file(), batch, offset);
    for (const iovec& segment : batch)
      offset += static_cast<off_t>(segment.iov_len);
  });
  // The header goes last: it carries the checksum, known only now.
  store::KvFileHeader summed = store::header_to_checksum(header);
  const iovec summed_segment{&summed, sizeof(summed)};
  checksum.add({&summed_segment, 1});
  header.checksum = checksum.value();
  const iovec header_segment{&header, sizeof(header)};
  store::pwrite_all(temp.file(), {&header_segment, 1}, 0);

  if (durable)
    store::fsync_or_throw(temp.file());
  temp.close();
  temp.commit_as(path);
  if (durable)
    fsync_folder(folder);
  return sizeof(header) + header.payload_bytes;
}

// "<id>.kv.tmp.XXXXXX", of agent `id` when one is given.
bool is_temp_file_name(const std::string& name, const std::string& id) {
  const std::size_t infix = name.rfind(kTempInfix);
  return infix != std::string::npos && infix > 0 &&
         name.size() == infix + kTempInfix.size() + kTempRandomChars &&
         (id.empty() || (infix == id.size() && name.compare(0, infix, id) == 0));
}

}  // namespace

std::size_t remove_orphan_temp_files(const fs::path& folder, const std::string& id) {
  std::error_code error;
  std::size_t removed = 0;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (!is_temp_file_name(name, id))
      continue;
    // O_NOFOLLOW and O_NONBLOCK: neither a symlink nor a FIFO planted under
    // the name can redirect or stall the cleanup; fstat then checks it is a
    // regular file.
    PosixFile file(::open(entry.path().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat status {};
    if (!file.is_open() || ::fstat(file.fd(), &status) != 0 || !S_ISREG(status.st_mode))
      continue;
    if (::flock(file.fd(), LOCK_EX | LOCK_NB) != 0)
      continue;  // a save is writing it
    if (::unlink(entry.path().c_str()) == 0)
      ++removed;
  }
  return removed;
}

std::size_t save_kv_file(const fs::path& path, const KvFileModel& model,
                         const KvContextView& context, const KvBlockPool& pool, bool durable) {
  try {
    return write_kv_file(path, model, context, pool, durable);
  } catch (const std::system_error& error) {
    throw EngineError(EngineError::Kind::kIo,
                      "cannot save cache file " + path.string() + ": " + error.what());
  }
}

}  // namespace sbench::server
