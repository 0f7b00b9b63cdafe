#include "ollama_backend.hpp"

#include <memory>
#include <vector>

#include "failed_results.hpp"
#include "generation_timing.hpp"
#include "json_fields.hpp"
#include "ndjson_lines.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

constexpr double kNanosPerMilli = 1e6;

std::string prompt_text(const GenerateRequest& request) {
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    return *text;
  return synthetic_words(std::get<PromptTokens>(request.prompt).count, request.seed);
}

// Ollama has no ignore_eos: a generation may stop early, and the usage says so.
nlohmann::json request_body(const GenerateRequest& request, const std::string& model,
                            const nlohmann::json& context) {
  nlohmann::json body = {{"model", model},
                         {"prompt", prompt_text(request)},
                         {"stream", request.stream},
                         {"options",
                          {{"num_predict", request.max_tokens},
                           {"temperature", request.temperature},
                           {"seed", request.seed}}}};
  if (!context.is_null())
    body["context"] = context;
  return body;
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

// One object per token ({"response": "...", "done": false}), then the totals.
nlohmann::json read_stream(const http::Response& response, const NdjsonLines& lines,
                           GenerateResult& result) {
  std::vector<stats::TokenChunk> chunks;
  nlohmann::json last = nlohmann::json::object();
  for (const NdjsonLines::Line& line : lines.lines()) {
    const nlohmann::json data = nlohmann::json::parse(line.text, nullptr, false);
    if (const std::string error = error_message(data); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    result.text += optional_field<std::string>(data, "response").value_or("");
    const bool done = data.value("done", false);
    chunks.push_back({line.arrived, done ? 0u : 1u});
    if (done)
      last = data;
  }
  if (result.ok() && !last.value("done", false))
    result.error = "stream ended without its done object after " +
                   std::to_string(lines.lines().size()) + " lines";
  take_final(last, result);
  time_generation(result, response, chunks);
  return last;
}

}  // namespace

OllamaBackend::OllamaBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)), model_(server.model) {}

const Capabilities& OllamaBackend::capabilities() const {
  static const Capabilities supported{Capability::generate, Capability::streaming,
                                      Capability::token_usage};
  return supported;
}

std::string OllamaBackend::create_agent(const std::string& agent) {
  return contexts_.add(agent) ? "" : "agent " + agent + " exists";
}

std::string OllamaBackend::delete_agent(const std::string& agent) {
  return contexts_.remove(agent) ? "" : unknown_agent(agent);
}

GenerateResult OllamaBackend::generate(const GenerateRequest& request) {
  nlohmann::json context;
  if (!request.agent.empty()) {
    auto known = contexts_.find(request.agent);
    if (!known)
      return failed_generation(unknown_agent(request.agent));
    context = *known;
  }
  http::Request call =
      http::post_json("/api/generate", request_body(request, model_, context).dump());
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
    final_answer = read_stream(response, *lines, result);
  } else {
    final_answer = parse_body(response);
    result.text = optional_field<std::string>(final_answer, "response").value_or("");
    take_final(final_answer, result);
    time_generation(result, response, {});
  }
  if (result.ok() && !request.agent.empty() && final_answer.contains("context"))
    contexts_.update(request.agent, final_answer["context"]);
  return result;
}

std::string OllamaBackend::reset() {
  contexts_.take_all();
  return "";
}

}  // namespace sbench::detail
