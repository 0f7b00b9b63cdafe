#include "sbench/http/cancellation.hpp"

#include <atomic>
#include <mutex>

namespace sbench::http {

struct CancellationToken::State {
  std::atomic<bool> cancelled{false};
  std::mutex mutex;  // orders cancel() against installing and clearing the hook
  std::function<void()> abort;
};

CancellationToken CancellationToken::make() {
  CancellationToken token;
  token.state_ = std::make_shared<State>();
  return token;
}

void CancellationToken::cancel() const {
  if (!state_)
    return;
  std::lock_guard lock(state_->mutex);
  state_->cancelled = true;
  if (state_->abort)
    state_->abort();
}

bool CancellationToken::cancelled() const {
  return state_ && state_->cancelled;
}

void CancellationToken::on_cancel(std::function<void()> abort) const {
  if (!state_)
    return;
  std::lock_guard lock(state_->mutex);
  if (state_->cancelled)
    abort();
  state_->abort = std::move(abort);
}

void CancellationToken::clear_hook() const {
  if (!state_)
    return;
  std::lock_guard lock(state_->mutex);
  state_->abort = nullptr;
}

}  // namespace sbench::http
