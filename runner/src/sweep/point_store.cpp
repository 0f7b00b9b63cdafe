#include "sweep/point_store.hpp"

#include <chrono>
#include <fstream>

#include "cache/append_file.hpp"

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
  AppendFile(path_, -1).append(point.dump() + "\n");
  points_[point["key"].get<std::string>()] = point;
}

}  // namespace sbench::runner
