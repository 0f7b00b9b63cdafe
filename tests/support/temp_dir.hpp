#pragma once

#include <filesystem>
#include <string>

namespace sbench::testing {

// A fresh directory under the system temp dir, removed with everything in it
// on destruction. The name carries the pid and a counter so tests running in
// parallel processes never share one.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path path(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace sbench::testing
