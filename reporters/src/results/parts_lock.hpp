#pragma once

#include <filesystem>

namespace sbench::reporters::detail {

// An exclusive flock(2) on <parts dir>/.lock for as long as it lives: CTest
// runs suites in parallel, and the one that merges last must see every part.
class PartsLock {
 public:
  explicit PartsLock(const std::filesystem::path& parts_dir);
  ~PartsLock();
  PartsLock(const PartsLock&) = delete;
  PartsLock& operator=(const PartsLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace sbench::reporters::detail
