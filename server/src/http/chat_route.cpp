#include "chat_messages.hpp"
#include "chat_template.hpp"
#include "error_response.hpp"
#include "generation_params.hpp"
#include "generation_reply.hpp"
#include "json_io.hpp"
#include "openai_format.hpp"
#include "routes.hpp"

namespace sbench::server::http {
namespace {

// Chat fields that only matter for what a text model without tools cannot
// do: accepted at their neutral values, refused otherwise.
void read_chat_defaults(JsonBody& body) {
  if (const nlohmann::json* tools = body.value("tools"); tools && !tools->empty())
    throw HttpError(400, "field 'tools' is not supported");
  if (const nlohmann::json* choice = body.value("tool_choice"); choice && *choice != "none")
    throw HttpError(400, "field 'tool_choice' may only be \"none\"");
  if (const nlohmann::json* format = body.value("response_format");
      format && (!format->is_object() || !format->contains("type") || (*format)["type"] != "text"))
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
    const std::vector<ChatMessage> messages = read_chat_messages(body);
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
