#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "engine/request.hpp"

namespace sbench::server::engine {

// Callbacks collected under the engine mutex and delivered after it is
// released, so a slow or re-entrant callback can neither stall nor deadlock
// the engine. Each entry keeps its request alive until delivered.
class Outbox {
 public:
  template <typename Callback, typename... Args>
  void post(const std::shared_ptr<Request>& request, Callback GenerateCallbacks::*callback,
            Args&&... args) {
    if (!(request->callbacks.*callback))
      return;
    pending_.push_back([request, callback, ... args = std::forward<Args>(args)]() mutable {
      (request->callbacks.*callback)(std::move(args)...);
    });
  }

  // A throwing callback is the client's bug; it must not take the scheduler down.
  void deliver() {
    for (auto& send : pending_) {
      try {
        send();
      } catch (...) {
      }
    }
    pending_.clear();
  }

 private:
  std::vector<std::function<void()>> pending_;
};

}  // namespace sbench::server::engine
