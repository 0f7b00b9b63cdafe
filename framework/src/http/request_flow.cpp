#include "request_flow.hpp"

#include <exception>
#include <optional>

#include "abort_target.hpp"
#include "exchange.hpp"

namespace sbench::http {
namespace {

using Clock = std::chrono::steady_clock;

// Routes CancellationToken::cancel(), which any thread may call, to the
// client thread, where the request's timer or connection can be touched.
class CancelHook {
 public:
  CancelHook(const CancellationToken& token, const asio::any_io_executor& executor,
             const std::shared_ptr<AbortTarget>& target)
      : token_(token) {
    token_.on_cancel([executor, weak_target = std::weak_ptr<AbortTarget>(target)] {
      asio::post(executor, [weak_target] {
        if (auto target = weak_target.lock())
          target->abort();
      });
    });
  }
  ~CancelHook() { token_.clear_hook(); }
  CancelHook(const CancelHook&) = delete;
  CancelHook& operator=(const CancelHook&) = delete;

 private:
  CancellationToken token_;
};

// False when cancelled before or during the wait.
asio::awaitable<bool> wait_until(Clock::time_point at, const Request& request, AbortTarget& abort) {
  if (request.cancellation.cancelled())
    co_return false;
  if (at > Clock::now()) {
    asio::steady_timer timer(co_await asio::this_coro::executor, at);
    abort.waiting_on(timer);
    error_code ec;
    co_await timer.async_wait(awaitable_into(ec));
  }
  co_return !request.cancellation.cancelled();
}

std::optional<Clock::duration> retry_wait(const Response& response, int attempt,
                                          const RetryPolicy& retry, Clock::time_point deadline) {
  const bool retryable = response.error.kind == ErrorKind::rate_limited ||
                         response.error.kind == ErrorKind::unavailable;
  if (!retryable || attempt >= retry.max_attempts)
    return std::nullopt;
  const Clock::duration wait =
      std::min(response.retry_after.value_or(retry.default_wait), retry.max_wait);
  if (Clock::now() + wait >= deadline)
    return std::nullopt;
  return wait;
}

// What an attempt leaves behind that the next one must not inherit.
void clear_for_retry(Response& response) {
  Response fresh;
  fresh.timing.scheduled = response.timing.scheduled;
  fresh.timing.sent = response.timing.sent;
  fresh.attempts = response.attempts;
  response = std::move(fresh);
}

void mark_cancelled(Response& response) {
  response.error = {ErrorKind::cancelled, "cancelled before sending"};
  response.timing.done = Clock::now();
}

// Less time ahead than this is not worth a connection of its own.
constexpr std::chrono::milliseconds kConnectAhead{2};

}  // namespace

asio::awaitable<Response> run_request(ConnectionPool& pool, const RetryPolicy& retry,
                                      Endpoint endpoint, Request request) {
  Response response;
  const auto now = Clock::now();
  response.timing.scheduled =
      request.scheduled_send == Clock::time_point{} ? now : request.scheduled_send;
  const auto deadline = response.timing.scheduled + request.timeouts.total;
  auto abort = std::make_shared<AbortTarget>();
  const CancelHook hook(request.cancellation, co_await asio::this_coro::executor, abort);

  // A request scheduled ahead connects while it waits, so its send is not
  // late by a connect (docs/MEASURING.md, "Client lag").
  const bool ahead = response.timing.scheduled - now > kConnectAhead;
  if (ahead)
    co_await pool.connect_ahead(endpoint, std::min(deadline, now + request.timeouts.connect),
                                *abort);
  const bool on_time = co_await wait_until(response.timing.scheduled, request, *abort);
  if (ahead)
    pool.done_waiting(endpoint);
  if (!on_time) {
    mark_cancelled(response);
    co_return response;
  }
  for (int attempt = 1;; ++attempt) {
    response.attempts = attempt;
    try {
      co_await exchange(pool, endpoint, request, deadline, *abort, response);
    } catch (const std::exception& error) {  // from the caller's on_event or is_final_event
      response.error = {ErrorKind::client_failure, error.what()};
      response.timing.done = Clock::now();
    }
    const auto wait = retry_wait(response, attempt, retry, deadline);
    if (!wait)
      co_return response;
    clear_for_retry(response);
    if (!co_await wait_until(Clock::now() + *wait, request, *abort)) {
      mark_cancelled(response);
      co_return response;
    }
  }
}

}  // namespace sbench::http
