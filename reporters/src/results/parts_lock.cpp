#include "parts_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "sbench/reporters/atomic_file.hpp"

namespace sbench::reporters::detail {
namespace {

constexpr auto kRetryInterval = std::chrono::milliseconds(10);

}  // namespace

PartsLock::PartsLock(const std::filesystem::path& parts_dir, std::chrono::milliseconds timeout) {
  std::error_code error;
  std::filesystem::create_directories(parts_dir, error);
  const std::filesystem::path file = parts_dir / ".lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw ResultsError("cannot open " + file.string() + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int lock_error = errno;
    if (lock_error == EWOULDBLOCK && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kRetryInterval);
    } else if (lock_error != EINTR) {
      ::close(fd_);
      throw ResultsError(lock_error == EWOULDBLOCK
                             ? "another process has held " + file.string() + " for " +
                                   std::to_string(timeout.count()) +
                                   " ms: is an sbench or suite process stopped or hung?"
                             : "cannot lock " + file.string() + ": " + std::strerror(lock_error));
    }
  }
}

PartsLock::~PartsLock() {
  ::close(fd_);  // releases the lock
}

}  // namespace sbench::reporters::detail
