#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace sbench::runner {

// The points of a sweep, one JSON line each in the order they finished, each
// on disk (fsync) before the next point starts: a stopped sweep started again
// finds its points by key and measures only the rest. A line cut short by a
// crash is ignored.
class PointStore {
 public:
  // `fresh` keeps an earlier file under a dated name and starts empty.
  PointStore(std::filesystem::path path, bool fresh);

  const nlohmann::json* find(const std::string& key) const;
  // Throws std::runtime_error when the line cannot be written in full (a
  // full disk): the point is then not counted as done.
  void append(const nlohmann::json& point);
  std::size_t size() const { return points_.size(); }
  std::size_t ignored_lines() const { return ignored_lines_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::map<std::string, nlohmann::json> points_;
  std::size_t ignored_lines_ = 0;
};

}  // namespace sbench::runner
