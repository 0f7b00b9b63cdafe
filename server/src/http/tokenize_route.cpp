#include "chat_messages.hpp"
#include "chat_template.hpp"
#include "error_response.hpp"
#include "generation_params.hpp"
#include "json_io.hpp"
#include "routes.hpp"

namespace sbench::server::http {

// POST /tokenize as vLLM serves it ("prompt", or chat "messages" rendered
// with the generation prompt unless add_generation_prompt is false), and as
// llama.cpp does ("content"), so a client can size prompts exactly. With
// "agent_id" the messages are rendered as a chat on that agent would be.
void add_tokenize_route(Router& router, RouteContext& context) {
  router.add("POST", "/tokenize", [&context](const HttpRequest& request, const auto&) {
    const Engine& engine = context.engine;
    JsonBody body(request.body);
    body.string("model");
    const bool generation_prompt = body.boolean("add_generation_prompt").value_or(true);
    body.boolean("add_special_tokens");  // the byte tokenizer adds none
    std::optional<std::string> text = body.string("prompt");
    if (const auto content = body.string("content"); content && !text)
      text = content;
    // As the chat route renders for this agent: its generated turns match
    // the tokens it holds.
    const std::optional<std::string> agent = body.string("agent_id");
    const std::optional<std::vector<int>> held = agent ? engine.agent_tokens(*agent) : std::nullopt;
    std::vector<int> tokens;
    if (body.value("messages")) {
      if (text)
        throw HttpError(400, "give either 'messages' or a prompt, not both");
      tokens = render_chat(read_chat_messages(body), engine.tokenizer(), held ? &*held : nullptr);
      if (!generation_prompt)
        tokens.resize(tokens.size() - chat_generation_prompt(engine.tokenizer()).size());
    } else if (text) {
      tokens = engine.tokenizer().encode(*text);
    } else {
      throw HttpError(400, "field 'prompt', 'content' or 'messages' is required");
    }
    body.reject_unknown_fields();
    return json_response(200, {{"tokens", tokens},
                               {"count", tokens.size()},
                               {"max_model_len", max_context_tokens(engine)}});
  });
}

}  // namespace sbench::server::http
