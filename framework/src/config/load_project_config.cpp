#include "sbench/config.hpp"
#include "sbench/suite.hpp"

namespace sbench {

Config load_project_config(const std::filesystem::path& explicit_file,
                           const std::vector<std::pair<std::string, std::string>>& flags) {
  ConfigSources sources;
  sources.explicit_file = explicit_file;
  sources.search_from = std::filesystem::current_path();
  sources.fallback_file = suite_build_info().config_file;
  sources.environment = benchmark_environment();
  sources.flags = flags;
  sources.default_sizes = declared_default_sizes();
  return load_config(sources);
}

}  // namespace sbench
