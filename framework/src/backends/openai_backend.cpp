#include "openai_backend.hpp"

#include "server_metrics.hpp"

namespace sbench::detail {

OpenAiBackend::OpenAiBackend(const ServerConfig& server, BackendTarget target)
    : server_(std::move(target)),
      conversations_(*openai_call_for(server, "openai", {ServerApi::chat, ServerApi::completions},
                                      ServerApi::chat)),
      agent_id_field_(server.agent_id_field),
      capabilities_{Capability::generate, Capability::streaming, Capability::token_usage} {
  // /metrics is optional in this API family: offer the stats only if it is there.
  if (server_.send(http::get("/metrics")).ok())
    capabilities_.insert(Capability::server_memory_stats);
}

Status OpenAiBackend::create_agent(const std::string& agent) {
  return conversations_.add(agent);
}

Status OpenAiBackend::delete_agent(const std::string& agent) {
  return conversations_.remove(agent);
}

GenerateResult OpenAiBackend::generate(const GenerateRequest& request) {
  nlohmann::json extra = nlohmann::json::object();
  if (!agent_id_field_.empty() && !request.agent.empty())
    extra[agent_id_field_] = request.agent;
  return conversations_.generate(server_, request, extra);
}

ServerMemoryStats OpenAiBackend::memory_stats() {
  if (!has(Capability::server_memory_stats))
    return BackendClient::memory_stats();
  // vLLM (old and new names) and SGLang; others give only `raw`.
  return read_metrics(
      server_, {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"}, {});
}

Status OpenAiBackend::reset() {
  conversations_.clear();
  return "";
}

}  // namespace sbench::detail
