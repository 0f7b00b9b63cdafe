#include "sbench/http/client.hpp"

#include <pthread.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "asio.hpp"
#include "connection_pool.hpp"
#include "request_flow.hpp"

namespace sbench::http {
namespace {

std::chrono::nanoseconds thread_cpu_time(std::thread& thread) {
  clockid_t clock{};
  timespec spent{};
  if (pthread_getcpuclockid(thread.native_handle(), &clock) != 0 ||
      clock_gettime(clock, &spent) != 0)
    return {};
  return std::chrono::seconds(spent.tv_sec) + std::chrono::nanoseconds(spent.tv_nsec);
}

}  // namespace

struct Client::Impl {
  explicit Impl(ClientOptions client_options)
      : options(client_options), pool(io, options.max_idle_connections_per_endpoint) {}

  void record(const Response& response) {
    ++completed;
    errors[static_cast<std::size_t>(response.error.kind)].fetch_add(1, std::memory_order_relaxed);
  }

  // Blocking on the client thread would wait for work only that thread can do.
  void refuse_client_thread(const char* what) const {
    if (std::this_thread::get_id() == thread.get_id())
      throw std::logic_error(std::string("sbench::http::Client::") + what +
                             " called on the client thread");
  }

  const ClientOptions options;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
  ConnectionPool pool;
  std::atomic<std::size_t> completed{0};
  std::array<std::atomic<std::size_t>, kErrorKindCount> errors{};
  std::thread thread;
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(options)) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

Client::~Client() {
  impl_->io.stop();
  impl_->thread.join();
  // Idle sockets go before the io_context; requests still in flight are
  // destroyed with it.
  impl_->pool.close_all();
}

void Client::submit(const Endpoint& endpoint, Request request, Completion done) {
  asio::co_spawn(
      impl_->io, run_request(impl_->pool, impl_->options.retry, endpoint, std::move(request)),
      [impl = impl_.get(), done = std::move(done)](std::exception_ptr failure, Response response) {
        if (failure)
          response.error = {ErrorKind::client_failure, "unexpected exception"};
        impl->record(response);
        done(std::move(response));
      });
}

Response Client::send(const Endpoint& endpoint, Request request) {
  impl_->refuse_client_thread("send");
  std::promise<Response> answer;
  auto future = answer.get_future();
  submit(endpoint, std::move(request),
         [&answer](Response response) { answer.set_value(std::move(response)); });
  return future.get();
}

std::vector<Response> Client::run_batch(const Endpoint& endpoint, std::vector<Request> requests) {
  impl_->refuse_client_thread("run_batch");
  std::vector<Response> responses(requests.size());
  std::mutex mutex;
  std::condition_variable all_done;
  std::size_t remaining = requests.size();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    submit(endpoint, std::move(requests[i]), [&, i](Response response) {
      responses[i] = std::move(response);
      std::lock_guard lock(mutex);
      if (--remaining == 0)
        all_done.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  all_done.wait(lock, [&] { return remaining == 0; });
  return responses;
}

ClientStats Client::stats() const {
  ClientStats stats;
  stats.connections_opened = impl_->pool.opened();
  stats.connections_reused = impl_->pool.reused();
  stats.requests_completed = impl_->completed;
  for (std::size_t kind = 0; kind < kErrorKindCount; ++kind)
    stats.errors.add(static_cast<ErrorKind>(kind), impl_->errors[kind]);
  stats.client_thread_cpu = thread_cpu_time(impl_->thread);
  return stats;
}

}  // namespace sbench::http
