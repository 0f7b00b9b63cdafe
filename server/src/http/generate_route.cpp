#include "error_response.hpp"
#include "generation_params.hpp"
#include "generation_reply.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

double per_second(int count, double ms) {
  return ms > 0 ? count * 1000.0 / ms : 0.0;
}

nlohmann::json usage_json(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"cached_tokens", usage.cached_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

nlohmann::json timings_json(const GenerateResult& result) {
  // decode_ms runs from the first token to the last, so it spans one token
  // fewer than were generated: the first one comes out of the prefill.
  const int decoded_after_first = std::max(result.usage.completion_tokens - 1, 0);
  return {{"queue_ms", result.timings.queue_ms},
          {"prefill_ms", result.timings.prefill_ms},
          {"decode_ms", result.timings.decode_ms},
          {"prompt_per_second", per_second(result.usage.prompt_tokens, result.timings.prefill_ms)},
          {"predicted_per_second", per_second(decoded_after_first, result.timings.decode_ms)}};
}

// The agent API's own shape: token ids next to text, llama.cpp-style timings.
class AgentGenerationFormat : public GenerationFormat {
 public:
  AgentGenerationFormat(std::string id, std::string agent)
      : id_(std::move(id)), agent_(std::move(agent)) {}

  // Events list their token ids, so every token goes out at once.
  bool holds_textless_tokens() const override { return false; }

  nlohmann::json token_event(std::span<const int> tokens, const std::string& text,
                             int) const override {
    return {{"tokens", std::vector<int>(tokens.begin(), tokens.end())}, {"text", text}};
  }

  std::vector<nlohmann::json> final_events(const GenerateResult& result,
                                           const std::string& trailing_text) const override {
    return {{{"id", id_},
             {"agent", agent_},
             {"text", trailing_text},
             {"finish_reason", result.finish_reason},
             {"usage", usage_json(result.usage)},
             {"timings", timings_json(result)}}};
  }

  nlohmann::json response(const GenerateResult& result, const std::string& text) const override {
    return {{"id", id_},
            {"agent", agent_},
            {"text", text},
            {"tokens", result.tokens},
            {"finish_reason", result.finish_reason},
            {"usage", usage_json(result.usage)},
            {"timings", timings_json(result)}};
  }

 private:
  std::string id_;
  std::string agent_;
};

// "prompt" (text) or "prompt_tokens" (a count of synthetic tokens, so
// benchmarks get exact prompt lengths); exactly one of them.
std::vector<int> read_prompt(JsonBody& body, const Engine& engine, std::uint64_t seed) {
  const std::optional<std::string> text = body.string("prompt");
  const std::optional<std::int64_t> count =
      body.integer("prompt_tokens", 1, max_context_tokens(engine));
  if (text && count)
    throw HttpError(400, "give either 'prompt' or 'prompt_tokens', not both");
  if (text)
    return engine.tokenizer().encode(*text);
  if (count)
    return synthetic_prompt(static_cast<int>(*count), seed);
  throw HttpError(400, "field 'prompt' or 'prompt_tokens' is required");
}

}  // namespace

void add_generate_route(Router& router, RouteContext& context) {
  router.add("POST", "/v1/agents/{id}/generate",
             [&context](const HttpRequest& request, const std::vector<std::string>& params) {
               Engine& engine = context.engine;
               const std::string agent = checked_agent_id(params[0]);
               JsonBody body(request.body);
               GenerateParams generate = read_generation_params(body, engine);
               generate.prompt = read_prompt(body, engine, generate.seed);
               const bool stream = body.boolean("stream").value_or(false);
               body.reject_unknown_fields();
               auto format =
                   std::make_unique<AgentGenerationFormat>(context.next_response_id("gen-"), agent);
               return start_generation(engine, std::move(format), stream, generate.stop,
                                       [&](GenerateCallbacks callbacks) {
                                         return engine.generate(agent, std::move(generate),
                                                                std::move(callbacks));
                                       });
             });
}

}  // namespace sbench::server::http
