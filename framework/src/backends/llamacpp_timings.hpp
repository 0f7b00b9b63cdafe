#pragma once

#include <nlohmann/json.hpp>

#include "sbench/generation.hpp"

namespace sbench::detail {

// llama.cpp's `timings` object (also on its /v1/completions answers):
// {prompt_n, prompt_ms, predicted_n, predicted_ms, predicted_per_second}.
ServerTimings parse_llamacpp_timings(const nlohmann::json& timings);

}  // namespace sbench::detail
