#include "llamacpp_backend.hpp"

#include <stdexcept>
#include <vector>

#include "cache_request.hpp"
#include "failed_results.hpp"
#include "generation_timing.hpp"
#include "llamacpp_timings.hpp"
#include "openai_api.hpp"
#include "server_json.hpp"
#include "server_metrics.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

// The command line says it when we start the server; otherwise GET /props
// (total_slots) does.
int discover_slot_count(ServerConnection& server, const ServerConfig& config) {
  if (config.url.empty()) {
    if (const auto count = slot_count_from_command(config.command))
      return *count;
  }
  const http::Request request = http::get("/props");
  const http::Response response = server.send(request);
  const auto count = optional_field<int>(parse_body(response), "total_slots");
  if (!response.ok() || !count || *count < 1) {
    throw std::runtime_error(
        "llamacpp backend: cannot tell the server's slot count: no -np in server.command and " +
        (response.ok() ? "no total_slots in GET /props" : describe_failure(request, response)));
  }
  return *count;
}

nlohmann::json prompt_piece(const GenerateRequest& request) {
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    return *text;
  return synthetic_token_ids(std::get<PromptTokens>(request.prompt).count, request.seed);
}

// llama.cpp takes a string, or an array mixing token ids and strings.
nlohmann::json as_prompt(const nlohmann::json& conversation) {
  if (conversation.size() == 1 && conversation[0].is_string())
    return conversation[0];
  return conversation;
}

void append_piece(nlohmann::json& conversation, const nlohmann::json& piece) {
  if (piece.is_array())
    conversation.insert(conversation.end(), piece.begin(), piece.end());
  else
    conversation.push_back(piece);
}

bool is_last_event(const http::SseEvent& event) {
  const nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
  return optional_field<bool>(data, "stop").value_or(false) || data.contains("error");
}

// The answer of /completion (or the stream's last event). Usage: the prompt
// is tokens_evaluated, of which all but timings.prompt_n came from the cache.
void take_final(const nlohmann::json& answer, GenerateResult& result) {
  const auto evaluated = optional_field<std::size_t>(answer, "tokens_evaluated");
  const auto predicted = optional_field<std::size_t>(answer, "tokens_predicted");
  if (answer.contains("timings"))
    result.server_timings = parse_llamacpp_timings(answer["timings"]);
  if (evaluated && predicted) {
    TokenUsage usage{*evaluated, *predicted, std::nullopt};
    if (result.server_timings.prompt_n && *result.server_timings.prompt_n <= *evaluated)
      usage.cached_tokens = *evaluated - *result.server_timings.prompt_n;
    result.usage = usage;
  }
}

// The integer ids of a "tokens" field, whatever else a server put there.
void append_token_ids(const nlohmann::json& ids, std::vector<int>& generated) {
  if (!ids.is_array())
    return;
  for (const auto& token : ids) {
    if (token.is_number_integer())
      generated.push_back(token.get<int>());
  }
}

// Every event carries the running tokens_predicted, so an event's tokens are
// its increase (a server may pack several tokens into one event); where it
// is missing, the event's ids, and only then one token per event with text.
// The last event (stop: true) carries no token and the totals.
std::vector<int> read_stream(const http::Response& response, GenerateResult& result,
                             nlohmann::json& last) {
  StreamedTokens counted;
  std::vector<int> generated;
  for (const http::SseEvent& event : response.events) {
    const nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    if (const std::string error = error_message(data); !error.empty()) {
      result.error = "stream error: " + error;
      break;
    }
    const nlohmann::json& ids = member(data, "tokens");
    const std::string content = optional_field<std::string>(data, "content").value_or("");
    result.text += content;
    append_token_ids(ids, generated);
    if (const auto predicted = optional_field<std::size_t>(data, "tokens_predicted"))
      counted.add_running_total(event.arrived, *predicted);
    else if (ids.is_array() && !ids.empty())
      counted.add_stated(event.arrived, ids.size());
    else
      counted.add_unstated(event.arrived, content);
    if (optional_field<bool>(data, "stop").value_or(false))
      last = data;
  }
  take_final(last, result);
  time_generation(result, response, &counted);
  return generated;
}

std::string slot_file(const std::string& agent) {
  return "sbench-" + agent + ".bin";
}

}  // namespace

LlamaCppBackend::LlamaCppBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)),
      model_(server.model),
      slots_(discover_slot_count(server_, server)) {
  if (auto call = openai_call_for(server, "llamacpp", {ServerApi::native, ServerApi::chat},
                                  ServerApi::native))
    chat_.emplace(std::move(*call));
}

const Capabilities& LlamaCppBackend::capabilities() const {
  static const Capabilities all{Capability::generate, Capability::streaming,
                                Capability::token_usage, Capability::agent_cache,
                                Capability::server_memory_stats};
  return all;
}

http::Request LlamaCppBackend::slot_request(int slot, std::string_view action,
                                            const nlohmann::json& body) const {
  return http::post_json("/slots/" + std::to_string(slot) + "?action=" + std::string(action),
                         body.dump());
}

std::string LlamaCppBackend::erase_slot(int slot) {
  const http::Request request = slot_request(slot, "erase", nlohmann::json::object());
  const http::Response response = server_.send(request);
  return response.ok() ? "" : describe_failure(request, response);
}

Status LlamaCppBackend::create_agent(const std::string& agent) {
  std::optional<int> slot;
  {
    std::lock_guard lock(slots_mutex_);
    if (agents_.find(agent))
      return "agent " + agent + " exists";
    std::string error;
    slot = slots_.assign(agent, error);
    if (!slot)
      return error;
    Agent state;
    state.slot = *slot;
    agents_.add(agent, std::move(state));
    if (chat_)
      chat_->add(agent);
  }
  // A slot left by someone else would leak its context into this agent.
  return erase_slot(*slot);
}

Status LlamaCppBackend::delete_agent(const std::string& agent) {
  const auto state = agents_.find(agent);
  if (!state)
    return unknown_agent(agent);
  const std::string error = erase_slot(state->slot);
  std::lock_guard lock(slots_mutex_);
  agents_.remove(agent);
  if (chat_)
    chat_->remove(agent);
  slots_.release(state->slot);
  loads_.forget(agent);
  return error;
}

GenerateResult LlamaCppBackend::generate(const GenerateRequest& request) {
  if (request.agent.empty())
    return openai_complete(server_, request, model_, prompt_piece(request));
  auto agent = agents_.find(request.agent);
  if (!agent)
    return failed_generation(unknown_agent(request.agent));
  return generate_for_agent(request, std::move(*agent));
}

GenerateResult LlamaCppBackend::generate_for_agent(const GenerateRequest& request, Agent agent) {
  if (chat_)
    return chat_for_agent(request, std::move(agent));
  append_piece(agent.conversation, prompt_piece(request));
  const nlohmann::json body = {{"prompt", as_prompt(agent.conversation)},
                               {"n_predict", request.max_tokens},
                               {"ignore_eos", request.ignore_eos},
                               {"temperature", request.temperature},
                               {"seed", request.seed},
                               {"stream", request.stream},
                               {"id_slot", agent.slot},
                               {"cache_prompt", true},
                               {"return_tokens", true}};
  http::Request call = http::post_json("/completion", body.dump());
  if (request.stream) {
    call.expect = http::Expect::event_stream;
    call.is_final_event = is_last_event;
  }
  schedule_call(call, request);
  const http::Response response = server_.send(call);
  if (auto failed = failed_generation(call, response))
    return *failed;
  GenerateResult result;
  nlohmann::json final_answer = nlohmann::json::object();
  std::vector<int> generated;
  if (request.stream) {
    generated = read_stream(response, result, final_answer);
  } else {
    final_answer = parse_body(response);
    result.text = optional_field<std::string>(final_answer, "content").value_or("");
    append_token_ids(member(final_answer, "tokens"), generated);
    take_final(final_answer, result);
    time_generation(result, response, nullptr);
  }
  if (!result.ok())
    return result;
  // The generated ids keep the next turn's prompt identical to the slot's
  // cache; re-tokenised text might not be.
  if (!generated.empty())
    append_piece(agent.conversation, generated);
  else
    append_piece(agent.conversation, result.text);
  agent.context_tokens =
      optional_field<std::size_t>(final_answer, "tokens_cached").value_or(agent.context_tokens);
  agents_.update(request.agent, std::move(agent));
  loads_.check(request.agent, result);
  return result;
}

// The slot's conversation as chat messages: llama.cpp applies the model's
// template and, with cache_prompt, reuses the slot's common prefix.
GenerateResult LlamaCppBackend::chat_for_agent(const GenerateRequest& request, Agent agent) {
  GenerateResult result =
      chat_->generate(server_, request, {{"id_slot", agent.slot}, {"cache_prompt", true}});
  if (!result.ok())
    return result;
  if (result.usage)
    agent.context_tokens = result.usage->prompt_tokens + result.usage->completion_tokens;
  agents_.update(request.agent, std::move(agent));
  loads_.check(request.agent, result);
  return result;
}

CacheOperationResult LlamaCppBackend::slot_file_request(int slot, const std::string& file_owner,
                                                        const SlotFileAnswer& answer_fields) {
  auto answer = send_cache_request(
      server_, slot_request(slot, answer_fields.action, {{"filename", slot_file(file_owner)}}),
      answer_fields.cache_action);
  CacheOperationResult& result = answer.result;
  result.tokens = optional_field<std::size_t>(answer.body, answer_fields.tokens).value_or(0);
  result.bytes = optional_field<std::uint64_t>(answer.body, answer_fields.bytes);
  result.server_ms = optional_field<double>(answer.body.value("timings", nlohmann::json::object()),
                                            answer_fields.server_ms);
  return result;
}

CacheOperationResult LlamaCppBackend::save_agent(const std::string& agent) {
  const auto state = agents_.find(agent);
  if (!state)
    return failed_cache_operation(CacheAction::save, unknown_agent(agent));
  CacheOperationResult result = slot_file_request(
      state->slot, agent, {CacheAction::save, "save", "n_saved", "n_written", "save_ms"});
  // The slot holds at most -c / -np tokens and silently drops the rest.
  if (result.ok() && result.tokens < state->context_tokens) {
    result.error = "slot " + std::to_string(state->slot) + " saved " +
                   std::to_string(result.tokens) + " tokens but agent " + agent + " holds " +
                   std::to_string(state->context_tokens) +
                   ": the slot context (-c / -np) truncated it";
  }
  return result;
}

CacheOperationResult LlamaCppBackend::unload_agent(const std::string& agent) {
  const auto state = agents_.find(agent);
  if (!state)
    return failed_cache_operation(CacheAction::unload, unknown_agent(agent));
  return send_cache_request(server_, slot_request(state->slot, "erase", nlohmann::json::object()),
                            CacheAction::unload)
      .result;
}

CacheOperationResult LlamaCppBackend::load_agent(const std::string& agent) {
  return load_agent_from(agent, agent);
}

CacheOperationResult LlamaCppBackend::load_agent_from(const std::string& agent,
                                                      const std::string& source) {
  const auto state = agents_.find(agent);
  if (!state)
    return failed_cache_operation(CacheAction::load, unknown_agent(agent));
  CacheOperationResult result = slot_file_request(
      state->slot, source, {CacheAction::load, "restore", "n_restored", "n_read", "restore_ms"});
  if (result.ok())
    loads_.expect_reuse(agent, result.tokens);
  return result;
}

ServerMemoryStats LlamaCppBackend::memory_stats() {
  return read_metrics(server_, {"llamacpp:kv_cache_usage_ratio"}, {"llamacpp:kv_cache_tokens"});
}

Status LlamaCppBackend::reset() {
  {
    std::lock_guard lock(slots_mutex_);
    agents_.take_all();
    if (chat_)
      chat_->clear();
    slots_.release_all();
  }
  loads_.forget_all();
  std::string errors;
  for (int slot = 0; slot < slots_.count(); ++slot) {
    if (std::string error = erase_slot(slot); !error.empty())
      errors += (errors.empty() ? "" : "; ") + error;
  }
  return errors;
}

}  // namespace sbench::detail
