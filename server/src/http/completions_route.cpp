#include "error_response.hpp"
#include "generation_params.hpp"
#include "generation_reply.hpp"
#include "json_io.hpp"
#include "openai_format.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

// A string, or an array of token ids (OpenAI's pre-tokenized prompt).
std::vector<int> read_prompt(JsonBody& body, const Engine& engine) {
  const nlohmann::json* prompt = body.value("prompt");
  if (!prompt)
    throw HttpError(400, "field 'prompt' is required");
  std::vector<int> tokens;
  if (prompt->is_string()) {
    tokens = engine.tokenizer().encode(prompt->get<std::string>());
  } else if (prompt->is_array()) {
    const int vocab_size = engine.config().vocab_size;
    for (const nlohmann::json& token : *prompt) {
      if (!token.is_number_integer() || token.get<std::int64_t>() < 0 ||
          token.get<std::int64_t>() >= vocab_size)
        throw HttpError(400, "field 'prompt' must hold token ids in [0, " +
                                 std::to_string(vocab_size - 1) + "]");
      tokens.push_back(token.get<int>());
    }
  } else {
    throw HttpError(400, "field 'prompt' must be a string or an array of token ids");
  }
  if (tokens.empty())
    throw HttpError(400, "field 'prompt' must not be empty");
  return tokens;
}

}  // namespace

void add_completion_routes(Router& router, RouteContext& context) {
  router.add("POST", "/v1/completions", [&context](const HttpRequest& request, const auto&) {
    Engine& engine = context.engine;
    JsonBody body(request.body);
    GenerateParams generate = read_generation_params(body, engine);
    generate.prompt = read_prompt(body, engine);
    const bool stream = body.boolean("stream").value_or(false);
    const OpenAiStreamOptions options = read_stream_options(body);
    read_openai_defaults(body);
    body.reject_unknown_fields();
    auto format = std::make_unique<OpenAiFormat>(
        OpenAiObject::completion, context.next_response_id("cmpl-"), engine.config().name, options,
        static_cast<int>(generate.prompt.size()));
    return start_generation(engine, std::move(format), stream, generate.stop,
                            [&](GenerateCallbacks callbacks) {
                              return engine.complete(std::move(generate), std::move(callbacks));
                            });
  });
}

}  // namespace sbench::server::http
