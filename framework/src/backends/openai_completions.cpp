#include "openai_completions.hpp"

#include <optional>
#include <vector>

#include "generation_timing.hpp"
#include "json_fields.hpp"
#include "llamacpp_timings.hpp"

namespace sbench::detail {
namespace {

nlohmann::json request_body(const GenerateRequest& request, const std::string& model,
                            nlohmann::json prompt) {
  nlohmann::json body = {{"model", model},
                         {"prompt", std::move(prompt)},
                         {"max_tokens", request.max_tokens},
                         {"temperature", request.temperature},
                         {"seed", request.seed},
                         {"stream", request.stream}};
  if (request.stream)
    body["stream_options"] = {{"include_usage", true}};
  // vLLM's extension; strict servers would refuse it, so only when needed.
  if (request.ignore_eos)
    body["ignore_eos"] = true;
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

void take_answer_extras(const nlohmann::json& answer, GenerateResult& result) {
  if (auto usage = parse_usage(answer))
    result.usage = usage;
  if (answer.contains("timings"))
    result.server_timings = parse_llamacpp_timings(answer["timings"]);
}

void read_whole_answer(const http::Response& response, GenerateResult& result) {
  const nlohmann::json answer = parse_body(response);
  const auto& choices = answer["choices"];
  if (choices.is_array() && !choices.empty())
    result.text = optional_field<std::string>(choices[0], "text").value_or("");
  take_answer_extras(answer, result);
  time_generation(result, response, {});
}

// One chunk per token, except that the chunk carrying finish_reason may or
// may not carry the last token (vLLM puts it there, llama.cpp and
// sbench-server send it alone): it counts when the usage says a token is
// still missing.
void read_stream(const http::Response& response, GenerateResult& result) {
  std::vector<stats::TokenChunk> chunks;
  std::optional<std::size_t> finish_chunk;
  std::size_t streamed = 0;
  for (const http::SseEvent& event : response.events) {
    if (http::is_done_marker(event))
      break;
    const nlohmann::json chunk = nlohmann::json::parse(event.data, nullptr, false);
    if (const std::string error = error_message(chunk); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    take_answer_extras(chunk, result);
    const auto& choices = chunk["choices"];
    if (!choices.is_array() || choices.empty())
      continue;
    const std::string text = optional_field<std::string>(choices[0], "text").value_or("");
    result.text += text;
    const bool finished = optional_field<std::string>(choices[0], "finish_reason").has_value();
    if (finished && !text.empty())
      finish_chunk = chunks.size();
    const std::size_t tokens = finished ? 0 : 1;
    streamed += tokens;
    chunks.push_back({event.arrived, tokens});
  }
  const bool usage_misses_one = result.usage && result.usage->completion_tokens > streamed;
  if (finish_chunk && (usage_misses_one || !result.usage))
    chunks[*finish_chunk].tokens = 1;
  time_generation(result, response, chunks);
}

}  // namespace

GenerateResult complete(ServerConnection& server, const GenerateRequest& request,
                        const std::string& model, nlohmann::json prompt) {
  const std::string body = request_body(request, model, std::move(prompt)).dump();
  http::Request call = request.stream ? http::post_json_stream("/v1/completions", body)
                                      : http::post_json("/v1/completions", body);
  schedule_call(call, request);
  const http::Response response = server.send(call);
  if (auto failed = failed_generation(call, response))
    return *failed;
  GenerateResult result;
  if (request.stream)
    read_stream(response, result);
  else
    read_whole_answer(response, result);
  return result;
}

}  // namespace sbench::detail
