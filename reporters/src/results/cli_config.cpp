#include "sbench/reporters/cli_config.hpp"

namespace sbench::reporters {

Config load_cli_config(const std::filesystem::path& config_file,
                       const std::vector<std::pair<std::string, std::string>>& flags) {
  ConfigSources sources;
  sources.explicit_file = config_file;
  sources.search_from = std::filesystem::current_path();
  sources.fallback_file = SBENCH_SOURCE_CONFIG_FILE;
  sources.environment = benchmark_environment();
  sources.flags = flags;
  return load_config(sources);
}

}  // namespace sbench::reporters
