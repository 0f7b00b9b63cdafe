#include "chat_template.hpp"
#include "error_response.hpp"
#include "generation_params.hpp"
#include "generation_reply.hpp"
#include "json_io.hpp"
#include "openai_format.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

// A message's content: a string, or OpenAI's array of parts of which only
// text parts can be read by a text model.
std::string read_content(const nlohmann::json& content, std::size_t index) {
  const std::string where = "messages[" + std::to_string(index) + "].content";
  if (content.is_string())
    return content.get<std::string>();
  if (!content.is_array())
    throw HttpError(400, "field '" + where + "' must be a string or an array of text parts");
  std::string text;
  for (const nlohmann::json& part : content) {
    if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") ||
        !part["text"].is_string())
      throw HttpError(400, "field '" + where +
                               "' may only hold {\"type\": \"text\", \"text\": ...}"
                               " parts: the reference model reads text");
    text += part["text"].get<std::string>();
  }
  return text;
}

std::vector<ChatMessage> read_messages(JsonBody& body) {
  const nlohmann::json* messages = body.value("messages");
  if (!messages)
    throw HttpError(400, "field 'messages' is required");
  if (!messages->is_array() || messages->empty())
    throw HttpError(400, "field 'messages' must be a non-empty array");
  std::vector<ChatMessage> read;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const nlohmann::json& message = (*messages)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!message.is_object())
      throw HttpError(400, "field '" + where + "' must be an object");
    std::string role = message.contains("role") && message["role"].is_string()
                           ? message["role"].get<std::string>()
                           : "";
    if (role == "developer")
      role = "system";
    if (role != "system" && role != "user" && role != "assistant")
      throw HttpError(400, "field '" + where +
                               ".role' must be system, developer, user or assistant (no tools)");
    for (const auto& [name, value] : message.items()) {
      const bool known = name == "role" || name == "content" || name == "name" ||
                         ((name == "refusal" || name == "tool_calls") &&
                          (value.is_null() || (value.is_array() && value.empty())));
      if (!known)
        throw HttpError(400, "unknown or unsupported field '" + where + "." + name + "'");
    }
    if (!message.contains("content") || message["content"].is_null())
      throw HttpError(400, "field '" + where + ".content' is required");
    read.push_back({std::move(role), read_content(message["content"], i)});
  }
  return read;
}

// Chat fields that only matter for what a text model without tools cannot
// do: accepted at their neutral values, refused otherwise.
void read_chat_defaults(JsonBody& body) {
  if (const nlohmann::json* tools = body.value("tools"); tools && !tools->empty())
    throw HttpError(400, "field 'tools' is not supported");
  if (const nlohmann::json* choice = body.value("tool_choice"); choice && *choice != "none")
    throw HttpError(400, "field 'tool_choice' may only be \"none\"");
  if (const nlohmann::json* format = body.value("response_format");
      format && (!format->is_object() || format->value("type", "") != "text"))
    throw HttpError(400, "field 'response_format' may only be {\"type\": \"text\"}");
  body.boolean("parallel_tool_calls");
  body.integer("top_logprobs", 0, 0);
}

}  // namespace

void add_chat_route(Router& router, RouteContext& context) {
  router.add("POST", "/v1/chat/completions", [&context](const HttpRequest& request, const auto&) {
    Engine& engine = context.engine;
    JsonBody body(request.body);
    GenerateParams generate = read_generation_params(body, engine);
    const std::vector<ChatMessage> messages = read_messages(body);
    const std::optional<std::string> agent = body.string("agent_id");
    if (agent && !Engine::valid_agent_id(*agent))
      throw HttpError(400, "field 'agent_id' must match [A-Za-z0-9_-]{1,64}");
    const bool stream = body.boolean("stream").value_or(false);
    const OpenAiStreamOptions options = read_stream_options(body);
    read_openai_defaults(body);
    read_chat_defaults(body);
    body.reject_unknown_fields();

    const std::optional<std::vector<int>> held = agent ? engine.agent_tokens(*agent) : std::nullopt;
    generate.prompt = render_chat(messages, engine.tokenizer(), held ? &*held : nullptr);
    generate.prompt_is_whole_context = agent.has_value();
    auto format = std::make_unique<OpenAiFormat>(
        OpenAiObject::chat, context.next_response_id("chatcmpl-"), engine.config().name, options,
        static_cast<int>(generate.prompt.size()));
    return start_generation(
        engine, std::move(format), stream, generate.stop, [&](GenerateCallbacks callbacks) {
          if (agent)
            return engine.generate(*agent, std::move(generate), std::move(callbacks));
          return engine.complete(std::move(generate), std::move(callbacks));
        });
  });
}

}  // namespace sbench::server::http
