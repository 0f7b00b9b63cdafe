#include "openai_backend.hpp"

#include "failed_results.hpp"
#include "openai_completions.hpp"
#include "server_metrics.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

std::string prompt_text(const GenerateRequest& request) {
  if (const auto* text = std::get_if<std::string>(&request.prompt))
    return *text;
  return synthetic_words(std::get<PromptTokens>(request.prompt).count, request.seed);
}

}  // namespace

OpenAiBackend::OpenAiBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)),
      model_(server.model),
      capabilities_{Capability::generate, Capability::streaming, Capability::token_usage} {
  // /metrics is optional in this API family: offer the stats only if it is there.
  if (server_.send(http::get("/metrics")).ok())
    capabilities_.insert(Capability::server_memory_stats);
}

std::string OpenAiBackend::create_agent(const std::string& agent) {
  return histories_.add(agent) ? "" : "agent " + agent + " exists";
}

std::string OpenAiBackend::delete_agent(const std::string& agent) {
  return histories_.remove(agent) ? "" : unknown_agent(agent);
}

GenerateResult OpenAiBackend::generate(const GenerateRequest& request) {
  if (request.agent.empty())
    return complete(server_, request, model_, prompt_text(request));
  auto history = histories_.find(request.agent);
  if (!history)
    return failed_generation(unknown_agent(request.agent));
  *history += prompt_text(request);
  GenerateResult result = complete(server_, request, model_, *history);
  if (result.ok())
    histories_.update(request.agent, *history + result.text);
  return result;
}

ServerMemoryStats OpenAiBackend::memory_stats() {
  if (!has(Capability::server_memory_stats))
    return BackendClient::memory_stats();
  // vLLM (old and new names) and SGLang; others give only `raw`.
  return read_metrics(
      server_, {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"}, {});
}

std::string OpenAiBackend::reset() {
  histories_.take_all();
  return "";
}

}  // namespace sbench::detail
