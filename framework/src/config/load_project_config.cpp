#include "sbench/config.hpp"

namespace sbench {

Config load_project_config(const std::filesystem::path& explicit_file,
                           const std::vector<std::pair<std::string, std::string>>& flags) {
  ConfigSources sources;
  sources.explicit_file = explicit_file;
  sources.search_from = std::filesystem::current_path();
  sources.fallback_file = SBENCH_SOURCE_CONFIG_FILE;
  sources.environment = benchmark_environment();
  sources.flags = flags;
  return load_config(sources);
}

}  // namespace sbench
