#include "config_file.hpp"

namespace sbench::detail {
namespace {

std::filesystem::path required(const std::filesystem::path& file, const std::string& origin) {
  if (!std::filesystem::is_regular_file(file)) {
    throw ConfigError(origin + ": config file " + file.string() + " does not exist");
  }
  return file;
}

}  // namespace

std::filesystem::path locate_config_file(const ConfigSources& sources) {
  if (!sources.explicit_file.empty())
    return required(sources.explicit_file, "--sbench-config");
  if (auto env = sources.environment.find("SEMANTIC_BENCHMARK_CONFIG");
      env != sources.environment.end()) {
    return required(env->second, "environment variable SEMANTIC_BENCHMARK_CONFIG");
  }
  if (!sources.search_from.empty()) {
    for (std::filesystem::path dir = std::filesystem::absolute(sources.search_from);;
         dir = dir.parent_path()) {
      if (std::filesystem::is_regular_file(dir / config_file_name)) {
        return dir / config_file_name;
      }
      if (dir == dir.root_path())
        break;
    }
  }
  if (!sources.fallback_file.empty() && std::filesystem::is_regular_file(sources.fallback_file)) {
    return sources.fallback_file;
  }
  return {};
}

}  // namespace sbench::detail
