#pragma once

#include <nlohmann/json.hpp>

#include "sbench/config.hpp"

namespace sbench::reporters {

// The effective settings, laid out like sbench.toml ([markers], [server],
// [run], [sizes], [quick]), so a results file says exactly what was run.
nlohmann::json config_to_json(const Config& config);

}  // namespace sbench::reporters
