#pragma once

#include "json_io.hpp"
#include "sbench/server/engine.hpp"

namespace sbench::server::http {

// Reads the fields every generation API shares (max_tokens or
// max_completion_tokens, temperature, top_p, seed, stop, ignore_eos),
// checked against the engine's limits. The prompt is each API's own.
GenerateParams read_generation_params(JsonBody& body, const Engine& engine);

// The longest context an agent may hold: the engine's limit or the model's.
int max_context_tokens(const Engine& engine);

}  // namespace sbench::server::http
