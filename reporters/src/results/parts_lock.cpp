#include "parts_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sbench/reporters/atomic_file.hpp"

namespace sbench::reporters::detail {

PartsLock::PartsLock(const std::filesystem::path& parts_dir) {
  std::error_code error;
  std::filesystem::create_directories(parts_dir, error);
  const std::filesystem::path file = parts_dir / ".lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw ResultsError("cannot open " + file.string() + ": " + std::strerror(errno));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int lock_error = errno;
      ::close(fd_);
      throw ResultsError("cannot lock " + file.string() + ": " + std::strerror(lock_error));
    }
  }
}

PartsLock::~PartsLock() {
  ::close(fd_);  // releases the lock
}

}  // namespace sbench::reporters::detail
