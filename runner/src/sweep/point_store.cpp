#include "sweep/point_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace sbench::runner {

PointStore::PointStore(std::filesystem::path path, bool fresh) : path_(std::move(path)) {
  std::filesystem::create_directories(path_.parent_path().empty() ? "." : path_.parent_path());
  if (!std::filesystem::exists(path_))
    return;
  if (fresh) {
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    std::filesystem::path kept = path_;
    kept.replace_extension(".jsonl." + std::to_string(stamp));
    std::filesystem::rename(path_, kept);
    return;
  }
  std::ifstream in(path_);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json point = nlohmann::json::parse(line, nullptr, false);
    if (!point.is_object() || !point.contains("key") || !point["key"].is_string()) {
      ++ignored_lines_;
      continue;
    }
    std::string key = point["key"].get<std::string>();
    points_[std::move(key)] = std::move(point);
  }
}

const nlohmann::json* PointStore::find(const std::string& key) const {
  const auto found = points_.find(key);
  return found == points_.end() ? nullptr : &found->second;
}

void PointStore::append(const nlohmann::json& point) {
  const std::string line = point.dump() + "\n";
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot open " + path_.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  int error = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0)
    error = errno;
  if (error != 0) {
    // A partial line would hide the next one; cut it off (best effort) so
    // the file stays a list of whole points.
    struct stat status {};
    if (::fstat(fd, &status) == 0 && written > 0)
      (void)::ftruncate(fd, status.st_size - static_cast<off_t>(written));
    ::close(fd);
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(error));
  }
  ::close(fd);
  points_[point["key"].get<std::string>()] = point;
}

}  // namespace sbench::runner
