#include "engine/request_validation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sbench::server::engine {

using Kind = EngineError::Kind;

void validate_generate_params(const EngineState& state, const GenerateParams& params,
                              int context_tokens) {
  const EngineOptions& options = state.options;
  if (params.max_tokens < 1 || params.max_tokens > options.max_new_tokens) {
    throw EngineError(Kind::kBadRequest,
                      "max_tokens must be between 1 and " + std::to_string(options.max_new_tokens));
  }
  if (!std::isfinite(params.temperature) || params.temperature < 0.0f) {
    throw EngineError(Kind::kBadRequest, "temperature must be a finite number >= 0");
  }
  const int vocab = state.config.vocab_size;
  if (std::any_of(params.prompt.begin(), params.prompt.end(),
                  [vocab](int token) { return token < 0 || token >= vocab; })) {
    throw EngineError(Kind::kBadRequest,
                      "prompt token ids must be in 0.." + std::to_string(vocab - 1));
  }
  const std::size_t context = static_cast<std::size_t>(context_tokens) + params.prompt.size();
  if (context == 0) {
    throw EngineError(Kind::kBadRequest, "the prompt is empty and there is no context to continue");
  }
  if (context + static_cast<std::size_t>(params.max_tokens) >
      static_cast<std::size_t>(state.max_context_tokens)) {
    throw EngineError(Kind::kBadRequest,
                      "context of " + std::to_string(context) + " tokens plus max_tokens " +
                          std::to_string(params.max_tokens) + " exceeds the limit of " +
                          std::to_string(state.max_context_tokens) + " tokens");
  }
}

}  // namespace sbench::server::engine
