#include "generation_params.hpp"

namespace sbench::server::http {
namespace {

// OpenAI's range; higher values only produce noise.
constexpr double kMaxTemperature = 2.0;
constexpr int kDefaultMaxTokens = 16;

}  // namespace

GenerateParams read_generation_params(JsonBody& body, const Engine& engine) {
  GenerateParams params;
  params.max_tokens = static_cast<int>(
      body.integer("max_tokens", 1, engine.options().max_new_tokens).value_or(kDefaultMaxTokens));
  params.temperature =
      static_cast<float>(body.number("temperature", 0.0, kMaxTemperature).value_or(0.0));
  params.seed = body.unsigned_integer("seed").value_or(0);
  params.ignore_eos = body.boolean("ignore_eos").value_or(false);
  return params;
}

int max_context_tokens(const Engine& engine) {
  const int limit = engine.options().max_context_tokens;
  return limit > 0 ? limit : engine.config().max_seq_len;
}

}  // namespace sbench::server::http
