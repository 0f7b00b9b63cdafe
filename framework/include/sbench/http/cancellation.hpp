#pragma once

#include <functional>
#include <memory>

namespace sbench::http {

// Lets another thread abort a request in flight. A default-constructed token
// can never be cancelled; copies of a made token share its state.
class CancellationToken {
 public:
  CancellationToken() = default;
  static CancellationToken make();

  // Thread-safe; aborts the request at its next step or at once if it waits.
  void cancel() const;
  bool cancelled() const;

  // For the client: `abort` runs (on the cancelling thread) when cancel() is
  // called, or at once if it already was. Replaces any earlier hook.
  void on_cancel(std::function<void()> abort) const;
  void clear_hook() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sbench::http
