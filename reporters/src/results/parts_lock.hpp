#pragma once

#include <chrono>
#include <filesystem>

namespace sbench::reporters::detail {

// An exclusive flock(2) on <parts dir>/.lock for as long as it lives: CTest
// runs suites in parallel, and the one that merges last must see every part.
// A holder keeps it for one merge (milliseconds); one that keeps it for
// `timeout` is stuck (stopped with SIGSTOP, hung on a dead NFS server), and
// waiting on would hang this suite too, so that is a ResultsError naming the
// file.
class PartsLock {
 public:
  explicit PartsLock(const std::filesystem::path& parts_dir,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~PartsLock();
  PartsLock(const PartsLock&) = delete;
  PartsLock& operator=(const PartsLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace sbench::reporters::detail
