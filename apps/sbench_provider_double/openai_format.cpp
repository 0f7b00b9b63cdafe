#include "openai_format.hpp"

#include <initializer_list>
#include <stdexcept>
#include <utility>

namespace sbench::provider_double {
namespace {

constexpr std::int64_t kDefaultMaxTokens = 16;
// Keeps max_tokens * 4 and the token charge far from overflowing.
constexpr std::int64_t kMaxTokensLimit = 1 << 30;
constexpr std::size_t kBytesPerToken = 4;

class InvalidRequest : public std::runtime_error {
 public:
  InvalidRequest(const std::string& message, std::string_view code)
      : std::runtime_error(message), code_(code) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

const nlohmann::json* find(const nlohmann::json& object, const char* name) {
  const auto field = object.find(name);
  // OpenAI clients send explicit nulls for fields they leave unset.
  return field == object.end() || field->is_null() ? nullptr : &*field;
}

std::string required_string(const nlohmann::json& object, const char* name,
                            const std::string& where) {
  const nlohmann::json* field = find(object, name);
  if (field == nullptr)
    throw InvalidRequest("you must provide " + where, "missing_required_parameter");
  if (!field->is_string())
    throw InvalidRequest(where + " must be a string", "invalid_type");
  return field->get<std::string>();
}

bool wants_stream(const nlohmann::json& request) {
  const nlohmann::json* stream = find(request, "stream");
  if (stream != nullptr && !stream->is_boolean())
    throw InvalidRequest("stream must be a boolean", "invalid_type");
  return stream != nullptr && stream->get<bool>();
}

std::int64_t read_max_tokens(const nlohmann::json& request) {
  // Newer clients send max_completion_tokens; it wins, as it does at OpenAI.
  for (const char* name : {"max_completion_tokens", "max_tokens"}) {
    const nlohmann::json* field = find(request, name);
    if (field == nullptr)
      continue;
    if (!field->is_number_integer() || *field < 1 || *field > kMaxTokensLimit)
      throw InvalidRequest(
          std::string(name) + " must be an integer from 1 to " + std::to_string(kMaxTokensLimit),
          "invalid_value");
    return field->get<std::int64_t>();
  }
  return kDefaultMaxTokens;
}

void read_messages(const nlohmann::json& request, CompletionRequest& parsed) {
  const nlohmann::json* messages = find(request, "messages");
  if (messages == nullptr || !messages->is_array() || messages->empty())
    throw InvalidRequest("messages must be a non-empty array of {role, content}", "invalid_value");
  std::size_t prompt_bytes = 0;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const nlohmann::json& message = (*messages)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!message.is_object())
      throw InvalidRequest(where + " must be an object", "invalid_type");
    const std::string role = required_string(message, "role", where + ".role");
    // Null content is an assistant turn that only called tools.
    const nlohmann::json* content = find(message, "content");
    if (content == nullptr)
      continue;
    if (!content->is_string())
      throw InvalidRequest(where + ".content must be a string or null", "invalid_type");
    const auto& text = content->get_ref<const std::string&>();
    prompt_bytes += text.size();
    if (role == "user")
      parsed.echoed = text;
  }
  parsed.prompt_tokens = count_tokens(prompt_bytes);
}

CompletionRequest read_request(Endpoint endpoint, const nlohmann::json& request) {
  if (!request.is_object())
    throw InvalidRequest("the request body must be a JSON object", "invalid_type");
  CompletionRequest parsed;
  parsed.stream = wants_stream(request);
  if (const nlohmann::json* options = find(request, "stream_options"); options != nullptr) {
    if (!options->is_object())
      throw InvalidRequest("stream_options must be an object", "invalid_type");
    const nlohmann::json* usage = find(*options, "include_usage");
    parsed.include_usage = usage != nullptr && usage->is_boolean() && usage->get<bool>();
  }
  parsed.model = required_string(request, "model", "a model parameter");
  parsed.max_tokens = read_max_tokens(request);
  if (endpoint == Endpoint::kChatCompletions) {
    read_messages(request, parsed);
  } else {
    parsed.echoed = required_string(request, "prompt", "a prompt parameter");
    parsed.prompt_tokens = count_tokens(parsed.echoed.size());
  }
  return parsed;
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Reply json_reply(unsigned status, const nlohmann::json& body) {
  return Reply{status, {}, dump_json(body)};
}

Reply error_reply(unsigned status, const std::string& message, std::string_view type,
                  std::string_view code) {
  return json_reply(status, {{"error", {{"message", message}, {"type", type}, {"code", code}}}});
}

std::variant<CompletionRequest, Reply> parse_completion_request(Endpoint endpoint,
                                                                std::string_view body) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    return error_reply(
        400, std::string("We could not parse the JSON body of your request: ") + error.what(),
        "invalid_request_error", "invalid_json");
  }
  try {
    return read_request(endpoint, request);
  } catch (const InvalidRequest& error) {
    return error_reply(400, error.what(), "invalid_request_error", error.code());
  }
}

Completion complete(const CompletionRequest& request) {
  std::string text = request.model + " answers: " + request.echoed;
  if (count_tokens(text.size()) > request.max_tokens) {
    std::size_t cut = static_cast<std::size_t>(request.max_tokens) * kBytesPerToken;
    // A cut inside a UTF-8 character would leave bytes that JSON cannot carry.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
      --cut;
    text.resize(cut);
  }
  const std::int64_t tokens = count_tokens(text.size());
  return Completion{std::move(text), tokens};
}

nlohmann::json completion_body(Endpoint endpoint, std::int64_t id, std::int64_t created,
                               const CompletionRequest& request, const Completion& completion) {
  nlohmann::json choice = {{"index", 0}, {"finish_reason", "stop"}};
  nlohmann::json body;
  if (endpoint == Endpoint::kChatCompletions) {
    choice["message"] = {{"role", "assistant"}, {"content", completion.text}};
    body["id"] = "chatcmpl-" + std::to_string(id);
    body["object"] = "chat.completion";
  } else {
    choice["text"] = completion.text;
    choice["logprobs"] = nullptr;
    body["id"] = "cmpl-" + std::to_string(id);
    body["object"] = "text_completion";
  }
  body["created"] = created;
  body["model"] = request.model;
  body["choices"] = nlohmann::json::array({choice});
  body["usage"] = {{"prompt_tokens", request.prompt_tokens},
                   {"completion_tokens", completion.completion_tokens},
                   {"total_tokens", request.prompt_tokens + completion.completion_tokens}};
  return body;
}

std::int64_t count_tokens(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + kBytesPerToken - 1) / kBytesPerToken);
}

}  // namespace sbench::provider_double

namespace sbench::provider_double {

Reply stream_reply(Endpoint endpoint, const nlohmann::json& body,
                   const CompletionRequest& request) {
  const bool chat = endpoint == Endpoint::kChatCompletions;
  const std::string& text =
      chat ? body["choices"][0]["message"]["content"].get_ref<const std::string&>()
           : body["choices"][0]["text"].get_ref<const std::string&>();
  nlohmann::json chunk = {{"id", body["id"]},
                          {"object", chat ? "chat.completion.chunk" : "text_completion"},
                          {"created", body["created"]},
                          {"model", body["model"]}};
  std::string events;
  auto emit = [&](nlohmann::json choice, bool with_usage) {
    nlohmann::json event = chunk;
    event["choices"] = choice.is_null() ? nlohmann::json::array() : nlohmann::json::array({choice});
    if (with_usage)
      event["usage"] = body["usage"];
    events += "data: " + dump_json(event) + "\n\n";
  };
  // One piece per token of the double's counting rule, never inside a UTF-8 character.
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = std::min(text.size(), at + kBytesPerToken);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      ++end;
    const std::string piece = text.substr(at, end - at);
    emit(chat ? nlohmann::json{{"index", 0},
                               {"delta", {{"content", piece}}},
                               {"finish_reason", nullptr}}
              : nlohmann::json{{"index", 0}, {"text", piece}, {"finish_reason", nullptr}},
         false);
    at = end;
  }
  emit(chat ? nlohmann::json{{"index", 0},
                             {"delta", nlohmann::json::object()},
                             {"finish_reason", "stop"}}
            : nlohmann::json{{"index", 0}, {"text", ""}, {"finish_reason", "stop"}},
       false);
  if (request.include_usage)
    emit(nullptr, true);
  events += "data: [DONE]\n\n";
  return Reply{200, {{"Content-Type", "text/event-stream"}}, std::move(events)};
}

}  // namespace sbench::provider_double
