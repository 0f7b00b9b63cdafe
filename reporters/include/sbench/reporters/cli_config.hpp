#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sbench/config.hpp"

namespace sbench::reporters {

// The config as a suite run from the current directory would read it (the
// nearest sbench.toml, else the source tree's; SEMANTIC_BENCHMARK_*; CI),
// with `flags` ({"--sbench-output", "x.json"}) on top. Throws ConfigError.
Config load_cli_config(const std::filesystem::path& config_file,
                       const std::vector<std::pair<std::string, std::string>>& flags);

}  // namespace sbench::reporters
