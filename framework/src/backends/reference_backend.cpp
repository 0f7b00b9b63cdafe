#include "reference_backend.hpp"

#include <vector>

#include "cache_request.hpp"
#include "generation_timing.hpp"
#include "server_json.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

nlohmann::json generate_body(const GenerateRequest& request) {
  nlohmann::json body = {{"max_tokens", request.max_tokens},
                         {"ignore_eos", request.ignore_eos},
                         {"temperature", request.temperature},
                         {"seed", request.seed},
                         {"stream", request.stream}};
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    body["prompt"] = *text;
  else
    body["prompt_tokens"] = std::get<PromptTokens>(request.prompt).count;
  return body;
}

// The final answer (or the stream's final event): text, usage, timings.
void take_answer(const nlohmann::json& answer, GenerateResult& result) {
  result.text += optional_field<std::string>(answer, "text").value_or("");
  if (const auto usage = answer.find("usage"); usage != answer.end()) {
    result.usage = TokenUsage{optional_field<std::size_t>(*usage, "prompt_tokens").value_or(0),
                              optional_field<std::size_t>(*usage, "completion_tokens").value_or(0),
                              optional_field<std::size_t>(*usage, "cached_tokens")};
  }
  if (const auto timings = answer.find("timings"); timings != answer.end()) {
    result.server_timings.queue_ms = optional_field<double>(*timings, "queue_ms");
    result.server_timings.prompt_ms = optional_field<double>(*timings, "prefill_ms");
    result.server_timings.predicted_ms = optional_field<double>(*timings, "decode_ms");
    result.server_timings.predicted_per_second =
        optional_field<double>(*timings, "predicted_per_second");
  }
}

// Token events ({"tokens": [ids], "text"}: the ids are the count), then the
// final event with usage.
void read_stream(const http::Response& response, GenerateResult& result) {
  StreamedTokens tokens;
  for (const http::SseEvent& event : response.events) {
    if (http::is_done_marker(event))
      break;
    const nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    if (const std::string error = error_message(data); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    const nlohmann::json& ids = member(data, "tokens");
    tokens.add_stated(event.arrived, ids.is_array() ? ids.size() : 0);
    if (ids.is_array())
      result.text += optional_field<std::string>(data, "text").value_or("");
    else
      take_answer(data, result);
  }
  time_generation(result, response, &tokens);
}

std::optional<std::uint64_t> bytes_of(const nlohmann::json& body, std::string_view field) {
  return optional_field<std::uint64_t>(body, field);
}

}  // namespace

ReferenceBackend::ReferenceBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)), model_(server.model) {
  if (auto call = openai_call_for(server, "reference", {ServerApi::native, ServerApi::chat},
                                  ServerApi::native)) {
    // sbench-server states every chunk's tokens when asked: never estimate.
    call->continuous_usage = true;
    chat_.emplace(std::move(*call));
  }
}

const Capabilities& ReferenceBackend::capabilities() const {
  static const Capabilities all{Capability::generate, Capability::streaming,
                                Capability::token_usage, Capability::agent_cache,
                                Capability::server_memory_stats};
  return all;
}

Status ReferenceBackend::create_agent(const std::string& agent) {
  const http::Request request = http::post_json("/v1/agents", nlohmann::json{{"id", agent}}.dump());
  const http::Response response = server_.send(request);
  if (!response.ok())
    return describe_failure(request, response);
  if (chat_)
    chat_->add(agent);
  std::lock_guard lock(agents_mutex_);
  agents_.insert(agent);
  return "";
}

Status ReferenceBackend::delete_agent(const std::string& agent) {
  http::Request request = http::get(agent_path(agent));
  request.method = "DELETE";
  const http::Response response = server_.send(request);
  loads_.forget(agent);
  if (chat_)
    chat_->remove(agent);
  {
    std::lock_guard lock(agents_mutex_);
    agents_.erase(agent);
  }
  return response.ok() ? "" : describe_failure(request, response);
}

GenerateResult ReferenceBackend::generate(const GenerateRequest& request) {
  if (chat_) {
    nlohmann::json extra = nlohmann::json::object();
    if (!request.agent.empty())
      extra["agent_id"] = request.agent;
    GenerateResult result = chat_->generate(server_, request, extra);
    if (!request.agent.empty())
      loads_.check(request.agent, result);
    return result;
  }
  if (!request.agent.empty())
    return generate_for_agent(request);
  // Stateless: the OpenAI-compatible route, with token ids for exact lengths.
  nlohmann::json prompt;
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    prompt = *text;
  else
    prompt = synthetic_token_ids(std::get<PromptTokens>(request.prompt).count, request.seed);
  return openai_complete(server_, request, model_, std::move(prompt));
}

GenerateResult ReferenceBackend::generate_for_agent(const GenerateRequest& request) {
  const std::string target = agent_path(request.agent) + "/generate";
  const std::string body = generate_body(request).dump();
  http::Request call =
      request.stream ? http::post_json_stream(target, body) : http::post_json(target, body);
  schedule_call(call, request);
  const http::Response response = server_.send(call);
  if (auto failed = failed_generation(call, response))
    return *failed;
  GenerateResult result;
  if (request.stream) {
    read_stream(response, result);
  } else {
    take_answer(parse_body(response), result);
    time_generation(result, response, nullptr);
  }
  loads_.check(request.agent, result);
  return result;
}

CacheOperationResult ReferenceBackend::save_agent(const std::string& agent) {
  auto answer = send_cache_request(server_, http::post_json(agent_path(agent) + "/save", "{}"),
                                   CacheAction::save);
  answer.result.tokens = optional_field<std::size_t>(answer.body, "tokens").value_or(0);
  answer.result.bytes = bytes_of(answer.body, "bytes");
  answer.result.server_ms = optional_field<double>(answer.body, "ms");
  return answer.result;
}

CacheOperationResult ReferenceBackend::unload_agent(const std::string& agent) {
  auto answer = send_cache_request(server_, http::post_json(agent_path(agent) + "/unload", "{}"),
                                   CacheAction::unload);
  answer.result.bytes = bytes_of(answer.body, "freed_bytes");
  return answer.result;
}

CacheOperationResult ReferenceBackend::load_agent(const std::string& agent) {
  return load_agent_from(agent, agent);
}

CacheOperationResult ReferenceBackend::load_agent_from(const std::string& agent,
                                                       const std::string& source) {
  const std::string body = source == agent ? "{}" : nlohmann::json{{"from", source}}.dump();
  auto answer = send_cache_request(server_, http::post_json(agent_path(agent) + "/load", body),
                                   CacheAction::load);
  answer.result.tokens = optional_field<std::size_t>(answer.body, "tokens").value_or(0);
  answer.result.bytes = bytes_of(answer.body, "bytes");
  answer.result.server_ms = optional_field<double>(answer.body, "ms");
  if (answer.result.ok()) {
    loads_.expect_reuse(agent, answer.result.tokens);
    std::lock_guard lock(agents_mutex_);
    agents_.insert(agent);  // a load creates an agent the server did not know
  }
  return answer.result;
}

ServerMemoryStats ReferenceBackend::memory_stats() {
  const http::Request request = http::get("/v1/stats");
  const http::Response response = server_.send(request);
  ServerMemoryStats stats;
  if (!response.ok()) {
    stats.error = describe_failure(request, response);
    return stats;
  }
  const nlohmann::json body = parse_body(response);
  for (const auto& [key, value] : body.items()) {
    if (value.is_number())
      stats.raw[key] = value.get<double>();
  }
  stats.kv_bytes_allocated = bytes_of(body, "kv_bytes_allocated");
  stats.kv_bytes_theoretical = bytes_of(body, "kv_bytes_theoretical");
  stats.model_bytes = bytes_of(body, "model_bytes");
  const auto used = optional_field<double>(body, "blocks_used");
  const auto total = optional_field<double>(body, "blocks_total");
  if (used && total && *total > 0)
    stats.kv_cache_usage_ratio = *used / *total;
  std::uint64_t tokens = 0;
  for (const auto& agent : body.value("agents", nlohmann::json::array()))
    tokens += optional_field<std::uint64_t>(agent, "tokens").value_or(0);
  stats.kv_cache_tokens = tokens;
  return stats;
}

Status ReferenceBackend::reset() {
  std::set<std::string> agents;
  {
    std::lock_guard lock(agents_mutex_);
    agents = agents_;
  }
  std::string errors;
  for (const std::string& agent : agents) {
    if (const Status deleted = delete_agent(agent); !deleted.ok())
      errors += (errors.empty() ? "" : "; ") + deleted.error;
  }
  loads_.forget_all();
  if (chat_)
    chat_->clear();
  return errors;
}

}  // namespace sbench::detail
