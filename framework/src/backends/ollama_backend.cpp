#include "ollama_backend.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include "failed_results.hpp"
#include "generation_timing.hpp"
#include "ndjson_lines.hpp"
#include "openai_api.hpp"
#include "server_json.hpp"

namespace sbench::detail {
namespace {

constexpr double kNanosPerMilli = 1e6;

// Ollama has no ignore_eos: a generation may stop early, and the usage says
// so. `state` is the agent's context (generate) or its messages with this
// turn's prompt already added (chat).
nlohmann::json request_body(const GenerateRequest& request, const std::string& model, bool chat,
                            nlohmann::json state) {
  nlohmann::json body = {{"model", model},
                         {"stream", request.stream},
                         {"options",
                          {{"num_predict", request.max_tokens},
                           {"temperature", request.temperature},
                           {"seed", request.seed}}}};
  if (chat) {
    body["messages"] = std::move(state);
    return body;
  }
  body["prompt"] = prompt_text(request);
  if (!state.is_null())
    body["context"] = std::move(state);
  return body;
}

// The text a line generated: `response` (generate) or message.content
// (chat), and for thinking models message.thinking, which is tokens too.
struct LineText {
  std::string answer;
  std::string generated;
};

LineText line_text(const nlohmann::json& line) {
  LineText text;
  text.answer = optional_field<std::string>(line, "response").value_or("");
  const nlohmann::json& message = member(line, "message");
  text.answer += optional_field<std::string>(message, "content").value_or("");
  text.generated = text.answer + optional_field<std::string>(message, "thinking").value_or("");
  return text;
}

// The last object (done: true) has the counts and durations in nanoseconds.
void take_final(const nlohmann::json& answer, GenerateResult& result) {
  const auto prompt = optional_field<std::size_t>(answer, "prompt_eval_count");
  const auto completion = optional_field<std::size_t>(answer, "eval_count");
  if (completion)
    result.usage = TokenUsage{prompt.value_or(0), *completion, std::nullopt};
  ServerTimings& timings = result.server_timings;
  timings.prompt_n = prompt;
  timings.predicted_n = completion;
  if (const auto ns = optional_field<double>(answer, "prompt_eval_duration"))
    timings.prompt_ms = *ns / kNanosPerMilli;
  if (const auto ns = optional_field<double>(answer, "eval_duration")) {
    timings.predicted_ms = *ns / kNanosPerMilli;
    if (completion && *ns > 0)
      timings.predicted_per_second = static_cast<double>(*completion) * 1e9 / *ns;
  }
  if (const auto ns = optional_field<double>(answer, "load_duration"))
    timings.queue_ms = *ns / kNanosPerMilli;
}

// Objects of generated text ({"response": "..."} or {"message": {...}},
// "done": false), then the totals. No line states its token count, so a
// line with text is one token (estimated) and eval_count is the total.
nlohmann::json read_stream(const http::Response& response, const NdjsonLines& lines,
                           GenerateResult& result) {
  StreamedTokens tokens;
  nlohmann::json last = nlohmann::json::object();
  for (const NdjsonLines::Line& line : lines.lines()) {
    const nlohmann::json data = nlohmann::json::parse(line.text, nullptr, false);
    if (const std::string error = error_message(data); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    const LineText text = line_text(data);
    result.text += text.answer;
    tokens.add_unstated(line.arrived, text.generated);
    if (optional_field<bool>(data, "done").value_or(false))
      last = data;
  }
  if (result.ok() && !optional_field<bool>(last, "done").value_or(false))
    result.error = "stream ended without its done object after " +
                   std::to_string(lines.lines().size()) + " lines";
  take_final(last, result);
  time_generation(result, response, &tokens);
  return last;
}

}  // namespace

OllamaBackend::OllamaBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)),
      model_(server.model),
      api_(server.api.value_or(ServerApi::native)) {
  if (api_ == ServerApi::completions)
    throw std::runtime_error(
        "ollama backend: server.api = \"completions\" is not one of its APIs (native, chat); "
        "Ollama's /v1/completions is the openai backend's");
}

const Capabilities& OllamaBackend::capabilities() const {
  static const Capabilities supported{Capability::generate, Capability::streaming,
                                      Capability::token_usage};
  return supported;
}

Status OllamaBackend::create_agent(const std::string& agent) {
  return agents_.add(agent) ? "" : "agent " + agent + " exists";
}

Status OllamaBackend::delete_agent(const std::string& agent) {
  return agents_.remove(agent) ? "" : unknown_agent(agent);
}

nlohmann::json OllamaBackend::next_state(nlohmann::json state, const GenerateResult& result,
                                         const nlohmann::json& final_answer) const {
  if (!chat())
    return member(final_answer, "context").is_null() ? state : member(final_answer, "context");
  state.push_back(chat_message("assistant", result.text));
  return state;
}

GenerateResult OllamaBackend::generate(const GenerateRequest& request) {
  nlohmann::json state;
  if (!request.agent.empty()) {
    auto known = agents_.find(request.agent);
    if (!known)
      return failed_generation(unknown_agent(request.agent));
    state = *known;
  }
  if (chat()) {
    if (!state.is_array())
      state = nlohmann::json::array();
    state.push_back(chat_message("user", prompt_text(request)));
  }
  http::Request call = http::post_json(chat() ? "/api/chat" : "/api/generate",
                                       request_body(request, model_, chat(), state).dump());
  schedule_call(call, request);
  auto lines = std::make_shared<NdjsonLines>();
  if (request.stream) {
    call.expect = http::Expect::anything;  // application/x-ndjson
    call.on_body_bytes = [lines](std::string_view bytes, auto arrived) {
      lines->feed(bytes, arrived);
    };
  }
  const http::Response response = server_.send(call);
  if (auto failed = failed_generation(call, response))
    return *failed;
  GenerateResult result;
  nlohmann::json final_answer;
  if (request.stream) {
    lines->finish(response.timing.done);
    final_answer = read_stream(response, *lines, result);
  } else {
    final_answer = parse_body(response);
    result.text = line_text(final_answer).answer;
    take_final(final_answer, result);
    time_generation(result, response, nullptr);
  }
  if (result.ok() && !request.agent.empty())
    agents_.update(request.agent, next_state(std::move(state), result, final_answer));
  return result;
}

Status OllamaBackend::reset() {
  agents_.take_all();
  return "";
}

}  // namespace sbench::detail
