#pragma once

#include "engine/engine_state.hpp"

namespace sbench::server::engine {

// Throws EngineError kBadRequest for parameters no generation could satisfy on
// a context of `context_tokens`; called before anything is queued so the
// client learns at once.
void validate_generate_params(const EngineState& state, const GenerateParams& params,
                              int context_tokens);

}  // namespace sbench::server::engine
