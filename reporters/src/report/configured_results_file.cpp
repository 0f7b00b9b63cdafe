#include "sbench/config.hpp"
#include "sbench/reporters/results_document.hpp"

namespace sbench::reporters {

std::filesystem::path configured_results_file(const std::filesystem::path& config_file) {
  ConfigSources sources;
  sources.explicit_file = config_file;
  sources.search_from = std::filesystem::current_path();
  sources.fallback_file = SBENCH_SOURCE_CONFIG_FILE;
  sources.environment = benchmark_environment();
  return load_config(sources).run.output;
}

}  // namespace sbench::reporters
