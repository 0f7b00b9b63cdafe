#include "engine/request_validation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sbench::server::engine {

using Kind = EngineError::Kind;

namespace {

// OpenAI's limit on their number; a length cap keeps the per-token check cheap.
constexpr std::size_t kMaxStopSequences = 4;
constexpr std::size_t kMaxStopBytes = 256;

}  // namespace

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
  if (!(params.top_p > 0.0f && params.top_p <= 1.0f)) {
    throw EngineError(Kind::kBadRequest, "top_p must be in (0, 1]");
  }
  if (params.stop.size() > kMaxStopSequences) {
    throw EngineError(Kind::kBadRequest,
                      "at most " + std::to_string(kMaxStopSequences) + " stop sequences");
  }
  for (const std::string& stop : params.stop) {
    if (stop.empty() || stop.size() > kMaxStopBytes)
      throw EngineError(Kind::kBadRequest, "a stop sequence must have 1 to " +
                                               std::to_string(kMaxStopBytes) + " bytes");
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
