#pragma once

#include <filesystem>

#include "sbench/config.hpp"

namespace sbench::detail {

inline constexpr const char* config_file_name = "sbench.toml";

// Applies an sbench.toml's tables to `config`. Throws ConfigError naming the
// file, the key and what was expected.
void apply_config_file(const std::filesystem::path& file, Config& config);

// --sbench-config, else SEMANTIC_BENCHMARK_CONFIG (both must exist), else the
// nearest sbench.toml above `search_from`, else the fallback if it exists;
// empty when there is none (built-in defaults only).
std::filesystem::path locate_config_file(const ConfigSources& sources);

}  // namespace sbench::detail
