#include "checked_backend.hpp"

#include <algorithm>
#include <optional>

#include "sbench/measurement_checks.hpp"

namespace sbench::detail {
namespace {

// A prefill shorter than this is mostly fixed cost, not a rate.
constexpr std::size_t kMinColdPrompt = 32;

std::optional<double> ttft_ms(const GenerateResult& result) {
  const auto& ttft = result.token_timing.time_to_first_token;
  if (!ttft)
    return std::nullopt;
  return std::chrono::duration<double, std::milli>(*ttft).count();
}

}  // namespace

Status CheckedBackend::delete_agent(const std::string& agent) {
  {
    std::lock_guard lock(mutex_);
    loaded_tokens_.erase(agent);
  }
  return inner_->delete_agent(agent);
}

Status CheckedBackend::reset() {
  {
    std::lock_guard lock(mutex_);
    loaded_tokens_.clear();
  }
  return inner_->reset();
}

GenerateResult CheckedBackend::generate(const GenerateRequest& request) {
  GenerateResult result = inner_->generate(request);
  if (result.ok()) {
    measurement_log::record_generation(result.token_timing, result.request_timing.send_delay(),
                                       request.agent);
    check_timing(request, result);
  }
  return result;
}

CacheOperationResult CheckedBackend::load_agent(const std::string& agent) {
  return remember_load(agent, inner_->load_agent(agent));
}

CacheOperationResult CheckedBackend::load_agent_from(const std::string& agent,
                                                     const std::string& source) {
  return remember_load(agent, inner_->load_agent_from(agent, source));
}

CacheOperationResult CheckedBackend::remember_load(const std::string& agent,
                                                   CacheOperationResult result) {
  if (result.ok()) {
    std::lock_guard lock(mutex_);
    loaded_tokens_[agent] = result.tokens;
  }
  return result;
}

void CheckedBackend::check_timing(const GenerateRequest& request, const GenerateResult& result) {
  const std::optional<double> first_token_ms = ttft_ms(result);
  std::optional<std::size_t> resumed;
  double cold_rate = 0;
  {
    std::lock_guard lock(mutex_);
    if (const auto loaded = loaded_tokens_.find(request.agent); loaded != loaded_tokens_.end()) {
      resumed = loaded->second;
      loaded_tokens_.erase(loaded);
    }
    const auto& usage = result.usage;
    if (first_token_ms && *first_token_ms > 0 && usage && usage->cached_tokens == 0 &&
        usage->prompt_tokens >= kMinColdPrompt) {
      fastest_cold_tokens_per_ms_ = std::max(
          fastest_cold_tokens_per_ms_, static_cast<double>(usage->prompt_tokens) / *first_token_ms);
    }
    cold_rate = fastest_cold_tokens_per_ms_;
  }
  // Without a cold prefill seen, or a streamed first token, there is nothing
  // to compare with; the server's own count still checked the reuse.
  // The resume prefills its new prompt too; a cold start would prefill the
  // whole context, which OpenAI-style usage counts as the prompt.
  if (resumed && *resumed > 0 && first_token_ms && cold_rate > 0) {
    const std::size_t context =
        std::max(*resumed, result.usage ? result.usage->prompt_tokens : std::size_t{0});
    measurement_log::record_resume(request.agent, *resumed, *first_token_ms,
                                   static_cast<double>(context) / cold_rate);
  }
}

}  // namespace sbench::detail
