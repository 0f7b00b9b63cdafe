#include <ctime>

#include "error_response.hpp"
#include "generation_params.hpp"
#include "generation_reply.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

nlohmann::json openai_usage(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
          {"prompt_tokens_details", {{"cached_tokens", usage.cached_tokens}}}};
}

// OpenAI's text_completion objects, streamed or whole.
class CompletionFormat : public GenerationFormat {
 public:
  CompletionFormat(std::string id, std::string model, bool include_usage)
      : id_(std::move(id)),
        model_(std::move(model)),
        created_(static_cast<std::int64_t>(std::time(nullptr))),
        include_usage_(include_usage) {}

  nlohmann::json token_event(int, const std::string& text) const override {
    return envelope(nlohmann::json::array({choice(text, nullptr)}));
  }

  std::vector<nlohmann::json> final_events(const GenerateResult& result,
                                           const std::string& trailing_text) const override {
    std::vector<nlohmann::json> events{
        envelope(nlohmann::json::array({choice(trailing_text, result.finish_reason)}))};
    if (include_usage_) {
      nlohmann::json usage_event = envelope(nlohmann::json::array());
      usage_event["usage"] = openai_usage(result.usage);
      events.push_back(std::move(usage_event));
    }
    return events;
  }

  nlohmann::json response(const GenerateResult& result, const std::string& text) const override {
    nlohmann::json body = envelope(nlohmann::json::array({choice(text, result.finish_reason)}));
    body["usage"] = openai_usage(result.usage);
    return body;
  }

 private:
  static nlohmann::json choice(const std::string& text, nlohmann::json finish_reason) {
    return {{"index", 0},
            {"text", text},
            {"finish_reason", std::move(finish_reason)},
            {"logprobs", nullptr}};
  }

  nlohmann::json envelope(nlohmann::json choices) const {
    return {{"id", id_},
            {"object", "text_completion"},
            {"created", created_},
            {"model", model_},
            {"choices", std::move(choices)}};
  }

  std::string id_;
  std::string model_;
  std::int64_t created_;
  bool include_usage_;
};

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

bool read_include_usage(JsonBody& body) {
  const nlohmann::json* options = body.value("stream_options");
  if (!options)
    return false;
  if (!options->is_object())
    throw HttpError(400, "field 'stream_options' must be an object");
  bool include_usage = false;
  for (const auto& [name, value] : options->items()) {
    if (name != "include_usage")
      throw HttpError(400, "unknown field 'stream_options." + name + "'");
    if (!value.is_boolean())
      throw HttpError(400, "field 'stream_options.include_usage' must be true or false");
    include_usage = value.get<bool>();
  }
  return include_usage;
}

// Fields OpenAI clients commonly send that change nothing here when left at
// their defaults; other values are refused rather than silently ignored.
void read_openai_defaults(JsonBody& body) {
  body.string("model");  // one model is served, whatever the client calls it
  body.string("user");
  body.integer("n", 1, 1);
  if (body.boolean("echo").value_or(false))
    throw HttpError(400, "field 'echo' is not supported");
}

}  // namespace

void add_completion_routes(Router& router, RouteContext& context) {
  router.add("POST", "/v1/completions", [&context](const HttpRequest& request, const auto&) {
    Engine& engine = context.engine;
    JsonBody body(request.body);
    GenerateParams generate = read_generation_params(body, engine);
    generate.prompt = read_prompt(body, engine);
    const bool stream = body.boolean("stream").value_or(false);
    const bool include_usage = read_include_usage(body);
    read_openai_defaults(body);
    body.reject_unknown_fields();
    auto format = std::make_unique<CompletionFormat>(context.next_response_id("cmpl-"),
                                                     engine.config().name, include_usage);
    return start_generation(engine, std::move(format), stream, [&](GenerateCallbacks callbacks) {
      return engine.complete(std::move(generate), std::move(callbacks));
    });
  });
}

}  // namespace sbench::server::http
