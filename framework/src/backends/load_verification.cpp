#include "load_verification.hpp"

namespace sbench::detail {

void LoadVerification::expect_reuse(const std::string& agent, std::size_t loaded_tokens) {
  std::lock_guard lock(mutex_);
  pending_[agent] = loaded_tokens;
}

void LoadVerification::forget(const std::string& agent) {
  std::lock_guard lock(mutex_);
  pending_.erase(agent);
}

void LoadVerification::forget_all() {
  std::lock_guard lock(mutex_);
  pending_.clear();
}

std::string LoadVerification::check(const std::string& agent,
                                    std::optional<std::size_t> reused_tokens) {
  std::size_t loaded = 0;
  {
    std::lock_guard lock(mutex_);
    const auto found = pending_.find(agent);
    if (found == pending_.end())
      return "";
    loaded = found->second;
    pending_.erase(found);
  }
  // Servers recompute the last prompt token to get logits (llama.cpp's
  // prompt_n of 1), and a percent of slack covers template tokens.
  const std::size_t slack = 1 + loaded / 100;
  if (reused_tokens && *reused_tokens + slack >= loaded)
    return "";
  return "cache load of agent " + agent + " was not used: " + std::to_string(loaded) +
         " tokens loaded, the next request reused " +
         (reused_tokens ? std::to_string(*reused_tokens) : std::string("an unknown number of")) +
         " (the server recomputed the context)";
}

void LoadVerification::check(const std::string& agent, GenerateResult& result) {
  if (result.ok())
    result.error = check(agent, result.usage ? result.usage->cached_tokens : std::nullopt);
}

}  // namespace sbench::detail
