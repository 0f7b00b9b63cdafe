#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <span>

namespace sbench::server::store {

// An owned file descriptor. Errors are std::system_error carrying errno, so
// callers can add the file name and the user sees strerror's text.
class PosixFile {
 public:
  PosixFile() = default;
  explicit PosixFile(int fd) : fd_(fd) {}
  PosixFile(PosixFile&& other) noexcept;
  PosixFile& operator=(PosixFile&& other) noexcept;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile();

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  // Closing can report a deferred write error (e.g. on network file systems),
  // so a save closes explicitly and checks.
  void close_checked();

 private:
  int fd_ = -1;
};

// Move every byte of `segments` at `offset`, resuming after EINTR and partial
// transfers. Reading returns fewer bytes than asked only at end of file.
void pwrite_all(const PosixFile& file, std::span<const iovec> segments, off_t offset);
std::size_t pread_all(const PosixFile& file, std::span<const iovec> segments, off_t offset);

void fsync_or_throw(const PosixFile& file);
std::size_t file_size(const PosixFile& file);

}  // namespace sbench::server::store
