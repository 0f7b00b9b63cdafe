#include "cache/append_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sbench::runner {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int error) {
  throw std::runtime_error("cannot " + std::string(what) + " " + path.string() + ": " +
                           std::strerror(error));
}

}  // namespace

AppendFile::AppendFile(const std::filesystem::path& path, std::int64_t committed) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    fail(path, "open", errno);
  struct stat status {};
  if (::fstat(fd_, &status) != 0) {
    const int error = errno;
    ::close(fd_);
    fail(path, "read the size of", error);
  }
  size_ = status.st_size;
  if (committed >= 0 && committed != size_) {
    if (committed > size_) {
      ::close(fd_);
      throw std::runtime_error(path.string() + " is shorter (" + std::to_string(size_) +
                               " bytes) than its committed " + std::to_string(committed) +
                               ": it was cut or replaced outside sbench");
    }
    if (::ftruncate(fd_, committed) != 0 || ::fsync(fd_) != 0) {
      const int error = errno;
      ::close(fd_);
      fail(path, "cut back", error);
    }
    size_ = committed;
  }
}

AppendFile::~AppendFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

void AppendFile::append(std::string_view bytes) {
  std::size_t written = 0;
  int error = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + written, bytes.size() - written,
                               static_cast<off_t>(size_ + static_cast<std::int64_t>(written)));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fdatasync(fd_) != 0)
    error = errno;
  if (error != 0) {
    // Best effort: the committed length is the truth, and the next open cuts
    // to it anyway.
    (void)::ftruncate(fd_, size_);
    fail(path_, "write", error);
  }
  size_ += static_cast<std::int64_t>(bytes.size());
}

}  // namespace sbench::runner
