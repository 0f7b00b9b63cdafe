#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sbench::detail {

// What a backend remembers per agent on the client side (a conversation
// history, a llama.cpp slot); thread-safe, handing out copies.
template <class State>
class AgentStates {
 public:
  bool add(const std::string& agent, State state = {}) {
    std::lock_guard lock(mutex_);
    return states_.emplace(agent, std::move(state)).second;
  }
  bool remove(const std::string& agent) {
    std::lock_guard lock(mutex_);
    return states_.erase(agent) > 0;
  }
  std::optional<State> find(const std::string& agent) const {
    std::lock_guard lock(mutex_);
    const auto found = states_.find(agent);
    return found == states_.end() ? std::nullopt : std::optional<State>(found->second);
  }
  void update(const std::string& agent, State state) {
    std::lock_guard lock(mutex_);
    if (const auto found = states_.find(agent); found != states_.end())
      found->second = std::move(state);
  }
  std::map<std::string, State> take_all() {
    std::lock_guard lock(mutex_);
    return std::exchange(states_, {});
  }
  std::map<std::string, State> snapshot() const {
    std::lock_guard lock(mutex_);
    return states_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, State> states_;
};

inline std::string unknown_agent(const std::string& agent) {
  return "unknown agent " + agent + " (create it first)";
}

}  // namespace sbench::detail
