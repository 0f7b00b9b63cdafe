#include "store/posix_file.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>
#include <vector>

namespace sbench::server::store {
namespace {

[[noreturn]] void throw_errno(const char* operation) {
  throw std::system_error(errno, std::generic_category(), operation);
}

// The shared loop of pread_all/pwrite_all: `call` is preadv or pwritev.
template <typename VectoredCall>
std::size_t transfer_all(int fd, std::span<const iovec> segments, off_t offset, VectoredCall call,
                         const char* operation) {
  std::vector<iovec> pending(segments.begin(), segments.end());
  std::size_t first = 0;
  std::size_t moved = 0;
  while (first < pending.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(pending.size() - first, IOV_MAX));
    const ssize_t n = call(fd, pending.data() + first, count, offset + static_cast<off_t>(moved));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw_errno(operation);
    }
    if (n == 0)
      break;  // end of file when reading; pwrite_all reports it as an error
    moved += static_cast<std::size_t>(n);
    for (auto done = static_cast<std::size_t>(n); done > 0;) {
      iovec& head = pending[first];
      const std::size_t step = std::min(done, head.iov_len);
      head.iov_base = static_cast<char*>(head.iov_base) + step;
      head.iov_len -= step;
      done -= step;
      if (head.iov_len == 0)
        ++first;
    }
    while (first < pending.size() && pending[first].iov_len == 0)
      ++first;
  }
  return moved;
}

}  // namespace

PosixFile::PosixFile(PosixFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PosixFile::~PosixFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

void PosixFile::close_checked() {
  // Linux releases the descriptor even when close fails, so never retry it.
  const int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0 && errno != EINTR)
    throw_errno("close");
}

void pwrite_all(const PosixFile& file, std::span<const iovec> segments, off_t offset) {
  std::size_t expected = 0;
  for (const iovec& segment : segments)
    expected += segment.iov_len;
  if (transfer_all(file.fd(), segments, offset, ::pwritev, "write") != expected) {
    throw std::system_error(EIO, std::generic_category(), "write made no progress");
  }
}

std::size_t pread_all(const PosixFile& file, std::span<const iovec> segments, off_t offset) {
  return transfer_all(file.fd(), segments, offset, ::preadv, "read");
}

void fsync_or_throw(const PosixFile& file) {
  if (::fsync(file.fd()) != 0)
    throw_errno("fsync");
}

std::size_t file_size(const PosixFile& file) {
  struct stat info {};
  if (::fstat(file.fd(), &info) != 0)
    throw_errno("fstat");
  return static_cast<std::size_t>(info.st_size);
}

}  // namespace sbench::server::store
