#include "openai_format.hpp"

#include <ctime>

#include "error_response.hpp"

namespace sbench::server::http {
namespace {

nlohmann::json openai_usage(int prompt_tokens, int completion_tokens, int cached_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens},
          {"prompt_tokens_details", {{"cached_tokens", cached_tokens}}}};
}

nlohmann::json openai_usage(const Usage& usage) {
  return openai_usage(usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens);
}

}  // namespace

OpenAiStreamOptions read_stream_options(JsonBody& body) {
  OpenAiStreamOptions options;
  const nlohmann::json* given = body.value("stream_options");
  if (!given)
    return options;
  if (!given->is_object())
    throw HttpError(400, "field 'stream_options' must be an object");
  for (const auto& [name, value] : given->items()) {
    bool* flag = name == "include_usage"            ? &options.include_usage
                 : name == "continuous_usage_stats" ? &options.continuous_usage
                                                    : nullptr;
    if (!flag)
      throw HttpError(400, "unknown field 'stream_options." + name + "'");
    if (value.is_null())
      continue;
    if (!value.is_boolean())
      throw HttpError(400, "field 'stream_options." + name + "' must be true or false");
    *flag = value.get<bool>();
  }
  return options;
}

void read_openai_defaults(JsonBody& body) {
  body.string("model");  // one model is served, whatever the client calls it
  body.string("user");
  body.integer("n", 1, 1);
  if (body.boolean("echo").value_or(false))
    throw HttpError(400, "field 'echo' is not supported");
  if (body.boolean("logprobs").value_or(false))
    throw HttpError(400, "field 'logprobs' is not supported");
  body.number("presence_penalty", 0, 0);
  body.number("frequency_penalty", 0, 0);
}

OpenAiFormat::OpenAiFormat(OpenAiObject object, std::string id, std::string model,
                           OpenAiStreamOptions options, int prompt_tokens)
    : object_(object),
      id_(std::move(id)),
      model_(std::move(model)),
      created_(static_cast<std::int64_t>(std::time(nullptr))),
      options_(options),
      prompt_tokens_(prompt_tokens) {}

nlohmann::json OpenAiFormat::delta(const std::string& text) const {
  if (object_ == OpenAiObject::completion)
    return text;
  return {{"content", text}};
}

nlohmann::json OpenAiFormat::chunk_choice(nlohmann::json delta_or_text,
                                          nlohmann::json finish_reason) const {
  nlohmann::json choice = {
      {"index", 0}, {"finish_reason", std::move(finish_reason)}, {"logprobs", nullptr}};
  choice[object_ == OpenAiObject::completion ? "text" : "delta"] = std::move(delta_or_text);
  return choice;
}

nlohmann::json OpenAiFormat::envelope(nlohmann::json choices, bool chunk) const {
  const char* type = object_ == OpenAiObject::completion ? "text_completion"
                     : chunk                             ? "chat.completion.chunk"
                                                         : "chat.completion";
  return {{"id", id_},
          {"object", type},
          {"created", created_},
          {"model", model_},
          {"choices", std::move(choices)}};
}

std::vector<nlohmann::json> OpenAiFormat::opening_events() const {
  if (object_ != OpenAiObject::chat)
    return {};
  nlohmann::json role = chunk_choice({{"role", "assistant"}, {"content", ""}}, nullptr);
  nlohmann::json event = envelope(nlohmann::json::array({std::move(role)}), true);
  if (options_.continuous_usage)
    event["usage"] = openai_usage(prompt_tokens_, 0, 0);
  return {event};
}

nlohmann::json OpenAiFormat::token_event(std::span<const int>, const std::string& text,
                                         int generated) const {
  nlohmann::json event =
      envelope(nlohmann::json::array({chunk_choice(delta(text), nullptr)}), true);
  if (options_.continuous_usage)
    event["usage"] = openai_usage(prompt_tokens_, generated, 0);
  return event;
}

std::vector<nlohmann::json> OpenAiFormat::final_events(const GenerateResult& result,
                                                       const std::string& trailing_text) const {
  nlohmann::json last = envelope(
      nlohmann::json::array({chunk_choice(delta(trailing_text), result.finish_reason)}), true);
  if (options_.continuous_usage)
    last["usage"] = openai_usage(result.usage);
  std::vector<nlohmann::json> events{std::move(last)};
  if (options_.include_usage) {
    nlohmann::json usage_event = envelope(nlohmann::json::array(), true);
    usage_event["usage"] = openai_usage(result.usage);
    events.push_back(std::move(usage_event));
  }
  return events;
}

nlohmann::json OpenAiFormat::response(const GenerateResult& result, const std::string& text) const {
  nlohmann::json choice = {
      {"index", 0}, {"finish_reason", result.finish_reason}, {"logprobs", nullptr}};
  if (object_ == OpenAiObject::completion)
    choice["text"] = text;
  else
    choice["message"] = {{"role", "assistant"}, {"content", text}};
  nlohmann::json body = envelope(nlohmann::json::array({std::move(choice)}), false);
  body["usage"] = openai_usage(result.usage);
  return body;
}

}  // namespace sbench::server::http
