#include "engine/cache_lease.hpp"

#include "engine/request_lifecycle.hpp"

namespace sbench::server::engine {

CacheLease::CacheLease(EngineState& state, const Pick& pick) : state_(state) {
  std::lock_guard lock(state_.mutex);
  agent_ = pick(state_.agents);
  agent_->activity = Agent::Activity::kCaching;
}

CacheLease::~CacheLease() {
  std::lock_guard lock(state_.mutex);
  end_activity(state_, *agent_);
}

void CacheLease::update(const std::function<void(Agent&)>& change) {
  std::lock_guard lock(state_.mutex);
  change(*agent_);
}

void CacheLease::forget_agent() {
  std::lock_guard lock(state_.mutex);
  state_.agents.erase(*agent_);
  agent_->deleted = true;
}

}  // namespace sbench::server::engine
