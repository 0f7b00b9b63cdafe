#include "openai_api.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "failed_results.hpp"
#include "generation_timing.hpp"
#include "llamacpp_timings.hpp"
#include "server_json.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

nlohmann::json request_body(const GenerateRequest& request, const OpenAiCall& call) {
  nlohmann::json body = {{"model", call.model},
                         {call.api == ServerApi::chat ? "messages" : "prompt", call.input},
                         {"max_tokens", request.max_tokens},
                         {"temperature", request.temperature},
                         {"seed", request.seed},
                         {"stream", request.stream}};
  if (request.stream) {
    body["stream_options"] = {{"include_usage", true}};
    if (call.continuous_usage)
      body["stream_options"]["continuous_usage_stats"] = true;
  }
  // vLLM's extension; strict servers would refuse it, so only when needed.
  if (request.ignore_eos)
    body["ignore_eos"] = true;
  body.update(call.extra);
  return body;
}

std::optional<TokenUsage> parse_usage(const nlohmann::json& answer) {
  const auto usage = answer.find("usage");
  if (usage == answer.end() || !usage->is_object())
    return std::nullopt;
  TokenUsage parsed;
  parsed.prompt_tokens = optional_field<std::size_t>(*usage, "prompt_tokens").value_or(0);
  parsed.completion_tokens = optional_field<std::size_t>(*usage, "completion_tokens").value_or(0);
  if (const auto details = usage->find("prompt_tokens_details"); details != usage->end())
    parsed.cached_tokens = optional_field<std::size_t>(*details, "cached_tokens");
  return parsed;
}

// Usage and timings, wherever a server puts them (the last chunk, the usage
// chunk or the whole answer). llama.cpp gives no cached count but says in
// timings.prompt_n how many prompt tokens it computed: the rest were reused.
void take_answer_extras(const nlohmann::json& answer, GenerateResult& result) {
  if (auto usage = parse_usage(answer))
    result.usage = usage;
  if (const nlohmann::json& timings = member(answer, "timings"); timings.is_object())
    result.server_timings = parse_llamacpp_timings(timings);
  const auto& computed = result.server_timings.prompt_n;
  if (result.usage && !result.usage->cached_tokens && computed &&
      *computed <= result.usage->prompt_tokens)
    result.usage->cached_tokens = result.usage->prompt_tokens - *computed;
}

// A chat delta's generated text: content, and what reasoning models and tool
// calls generate beside it (they are tokens too). `content` is the part
// that belongs to the answer's text.
struct Generated {
  std::string content;
  std::string all;
};

Generated generated_text(const nlohmann::json& choice, ServerApi api) {
  Generated generated;
  if (api == ServerApi::completions) {
    generated.content = optional_field<std::string>(choice, "text").value_or("");
    generated.all = generated.content;
    return generated;
  }
  const nlohmann::json& delta =
      member(choice, "delta").is_object() ? member(choice, "delta") : member(choice, "message");
  generated.content = optional_field<std::string>(delta, "content").value_or("");
  generated.all = generated.content;
  for (const char* reasoning : {"reasoning_content", "reasoning"})
    generated.all += optional_field<std::string>(delta, reasoning).value_or("");
  if (const auto calls = delta.find("tool_calls"); calls != delta.end() && calls->is_array()) {
    for (const auto& tool_call : *calls) {
      generated.all +=
          optional_field<std::string>(member(tool_call, "function"), "arguments").value_or("");
    }
  }
  return generated;
}

void read_whole_answer(const http::Response& response, ServerApi api, GenerateResult& result) {
  const nlohmann::json answer = parse_body(response);
  if (const std::string error = error_message(answer); !error.empty()) {
    result.error = "error answer with HTTP " + std::to_string(response.status) + ": " + error;
    return;
  }
  const nlohmann::json& choices = member(answer, "choices");
  if (!choices.is_array() || choices.empty()) {
    result.error = "answer without choices: " + response.body.substr(0, 200);
    return;
  }
  result.text = generated_text(choices[0], api).content;
  take_answer_extras(answer, result);
  time_generation(result, response, nullptr);
}

// Each chunk's tokens by the rule of docs/MEASURING.md: a running usage
// total on a chunk with choices (continuous usage) is the server's count;
// otherwise a chunk with generated text is one token (estimated). The
// stream is complete at [DONE] or after a finish_reason; a server may end
// it there without [DONE].
void read_stream(const http::Response& response, const OpenAiCall& call, GenerateResult& result) {
  StreamedTokens tokens;
  bool finished = false;
  bool done = false;
  for (const http::SseEvent& event : response.events) {
    if (http::is_done_marker(event)) {
      done = true;
      break;
    }
    const nlohmann::json chunk = nlohmann::json::parse(event.data, nullptr, false);
    // Skipping it would undercount the tokens without a word.
    if (chunk.is_discarded() && !event.data.empty()) {
      constexpr std::size_t kShown = 80;
      result.error = "malformed stream event (not JSON): " + event.data.substr(0, kShown) +
                     (event.data.size() > kShown ? "..." : "");
      break;
    }
    if (const std::string error = error_message(chunk); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    take_answer_extras(chunk, result);
    const nlohmann::json& choices = member(chunk, "choices");
    if (!choices.is_array() || choices.empty()) {
      tokens.add_stated(event.arrived, 0);  // a usage chunk or something unknown: no token
      continue;
    }
    const Generated generated = generated_text(choices[0], call.api);
    result.text += generated.content;
    finished = finished || optional_field<std::string>(choices[0], "finish_reason").has_value();
    const auto running = optional_field<std::size_t>(member(chunk, "usage"), "completion_tokens");
    if (call.continuous_usage && running)
      tokens.add_running_total(event.arrived, *running);
    else
      tokens.add_unstated(event.arrived, generated.all);
  }
  if (result.ok() && !done && !finished)
    result.error = "stream ended without a finish_reason or [DONE] after " +
                   std::to_string(response.events.size()) + " events: the answer was cut short";
  time_generation(result, response, &tokens);
}

}  // namespace

GenerateResult openai_complete(ServerConnection& server, const GenerateRequest& request,
                               const std::string& model, nlohmann::json prompt) {
  OpenAiCall call;
  call.api = ServerApi::completions;
  call.model = model;
  call.input = std::move(prompt);
  return openai_generate(server, request, call);
}

std::optional<OpenAiCall> openai_call_for(const ServerConfig& server, std::string_view backend,
                                          std::initializer_list<ServerApi> supported,
                                          ServerApi fallback) {
  const ServerApi api = server.api.value_or(fallback);
  if (std::find(supported.begin(), supported.end(), api) == supported.end()) {
    std::string names;
    for (ServerApi one : supported)
      names += (names.empty() ? "" : ", ") + std::string(to_string(one));
    throw std::runtime_error(std::string(backend) + " backend: server.api = \"" +
                             std::string(to_string(api)) + "\" is not one of its APIs (" + names +
                             ")");
  }
  if (api == ServerApi::native)
    return std::nullopt;
  OpenAiCall call;
  call.api = api;
  call.model = server.model;
  call.continuous_usage = server.continuous_usage_stats;
  return call;
}

std::string prompt_text(const GenerateRequest& request) {
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    return *text;
  return synthetic_words(std::get<PromptTokens>(request.prompt).count, request.seed);
}

nlohmann::json chat_message(const std::string& role, const std::string& content) {
  return {{"role", role}, {"content", content}};
}

GenerateResult openai_generate(ServerConnection& server, const GenerateRequest& request,
                               const OpenAiCall& call) {
  const std::string target =
      call.api == ServerApi::chat ? "/v1/chat/completions" : "/v1/completions";
  const std::string body = request_body(request, call).dump();
  http::Request http_call = http::post_json(target, body);
  if (request.stream)
    http_call.expect = http::Expect::event_stream;  // the end is judged by read_stream
  schedule_call(http_call, request);
  const http::Response response = server.send(http_call);
  if (auto failed = failed_generation(http_call, response))
    return *failed;
  GenerateResult result;
  if (request.stream)
    read_stream(response, call, result);
  else
    read_whole_answer(response, call.api, result);
  return result;
}

std::string OpenAiConversations::add(const std::string& agent) {
  return conversations_.add(agent, {empty(), 0}) ? "" : "agent " + agent + " exists";
}

std::string OpenAiConversations::remove(const std::string& agent) {
  return conversations_.remove(agent) ? "" : unknown_agent(agent);
}

nlohmann::json OpenAiConversations::empty() const {
  return base_.api == ServerApi::chat ? nlohmann::json::array() : nlohmann::json("");
}

nlohmann::json OpenAiConversations::with_turn(nlohmann::json conversation, const std::string& role,
                                              const std::string& text) const {
  if (base_.api == ServerApi::chat)
    conversation.push_back(chat_message(role, text));
  else
    conversation = conversation.get<std::string>() + text;
  return conversation;
}

std::string OpenAiConversations::prompt_for(ServerConnection& server,
                                            const GenerateRequest& request,
                                            const Conversation& conversation,
                                            const nlohmann::json& extra) {
  if (const auto* tokens = std::get_if<PromptTokens>(&request.prompt)) {
    const std::size_t total = conversation.context_tokens + static_cast<std::size_t>(tokens->count);
    if (auto sized =
            sizer_.text_for(server, {base_.api, conversation.turns, extra}, total, request.seed))
      return *sized;
  }
  return prompt_text(request);
}

GenerateResult OpenAiConversations::generate(ServerConnection& server,
                                             const GenerateRequest& request,
                                             const nlohmann::json& extra) {
  OpenAiCall call = base_;
  call.extra.update(extra);
  if (request.agent.empty()) {
    const Conversation none{empty(), 0};
    call.input = with_turn(none.turns, "user", prompt_for(server, request, none, call.extra));
    return openai_generate(server, request, call);
  }
  auto conversation = conversations_.find(request.agent);
  if (!conversation)
    return failed_generation(unknown_agent(request.agent));
  call.input = with_turn(conversation->turns, "user",
                         prompt_for(server, request, *conversation, call.extra));
  GenerateResult result = openai_generate(server, request, call);
  if (result.ok()) {
    Conversation next{with_turn(std::move(call.input), "assistant", result.text),
                      conversation->context_tokens};
    if (result.usage)
      next.context_tokens = result.usage->prompt_tokens + result.usage->completion_tokens;
    conversations_.update(request.agent, std::move(next));
  }
  return result;
}

}  // namespace sbench::detail
