#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace sbench::runner {

// An append-only file whose committed length someone else records (a batch
// job's SQLite index, a sweep's point count): opening it cuts off what a
// process that died wrote after its last commit, and every append is on disk
// (fdatasync) before it returns.
class AppendFile {
 public:
  // Creates `path` if needed and cuts it to `committed` bytes; a negative
  // `committed` keeps the file as it is.
  AppendFile(const std::filesystem::path& path, std::int64_t committed);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Throws std::runtime_error naming the file and the system's reason (a
  // full disk) after cutting off whatever part of `bytes` got written.
  void append(std::string_view bytes);
  std::int64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t size_ = 0;
};

}  // namespace sbench::runner
