#include "generation_params.hpp"

#include "error_response.hpp"

namespace sbench::server::http {
namespace {

// OpenAI's range; higher values only produce noise.
constexpr double kMaxTemperature = 2.0;
constexpr int kDefaultMaxTokens = 16;

// "stop": a string or an array of strings (OpenAI's two forms).
std::vector<std::string> read_stop(JsonBody& body) {
  const nlohmann::json* stop = body.value("stop");
  if (!stop)
    return {};
  if (stop->is_string())
    return {stop->get<std::string>()};
  std::vector<std::string> sequences;
  if (stop->is_array()) {
    for (const nlohmann::json& sequence : *stop) {
      if (!sequence.is_string())
        break;
      sequences.push_back(sequence.get<std::string>());
    }
    if (sequences.size() == stop->size())
      return sequences;
  }
  throw HttpError(400, "field 'stop' must be a string or an array of strings");
}

}  // namespace

GenerateParams read_generation_params(JsonBody& body, const Engine& engine) {
  GenerateParams params;
  const std::int64_t limit = engine.options().max_new_tokens;
  const auto max_tokens = body.integer("max_tokens", 1, limit);
  // Chat's newer name for the same bound; given both, they must agree.
  const auto max_completion_tokens = body.integer("max_completion_tokens", 1, limit);
  if (max_tokens && max_completion_tokens && *max_tokens != *max_completion_tokens)
    throw HttpError(400, "fields 'max_tokens' and 'max_completion_tokens' disagree");
  params.max_tokens =
      static_cast<int>(max_completion_tokens.value_or(max_tokens.value_or(kDefaultMaxTokens)));
  params.temperature =
      static_cast<float>(body.number("temperature", 0.0, kMaxTemperature).value_or(0.0));
  params.top_p = static_cast<float>(body.number("top_p", 0.0, 1.0).value_or(1.0));
  if (params.top_p <= 0.0f)
    throw HttpError(400, "field 'top_p' must be a number in (0, 1]");
  params.seed = body.unsigned_integer("seed").value_or(0);
  params.ignore_eos = body.boolean("ignore_eos").value_or(false);
  params.stop = read_stop(body);
  return params;
}

int max_context_tokens(const Engine& engine) {
  const int limit = engine.options().max_context_tokens;
  return limit > 0 ? limit : engine.config().max_seq_len;
}

}  // namespace sbench::server::http
