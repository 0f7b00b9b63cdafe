#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "sbench/http/endpoint.hpp"
#include "sbench/http/error.hpp"
#include "sbench/http/request.hpp"
#include "sbench/http/response.hpp"

namespace sbench::http {

// Resends on HTTP 429 and 503, waiting Retry-After (or `default_wait`),
// capped by `max_wait` and by the request's total timeout.
struct RetryPolicy {
  int max_attempts = 1;  // 1: never retry
  std::chrono::milliseconds default_wait{200};
  std::chrono::milliseconds max_wait{5'000};
};

struct ClientOptions {
  RetryPolicy retry;
  // Keep-alive connections kept open per endpoint between requests. More
  // concurrent requests than this still run, on extra connections.
  std::size_t max_idle_connections_per_endpoint = 1024;
};

struct ClientStats {
  std::size_t connections_opened = 0;
  std::size_t connections_reused = 0;
  std::size_t requests_completed = 0;
  ErrorCounts errors;
  // CPU time of the client thread: the client's own cost, to compare with
  // wall time when checking that the harness keeps up (docs/MEASURING.md, "Client lag").
  std::chrono::nanoseconds client_thread_cpu{0};
};

// An HTTP/1.1 client whose one thread drives any number of concurrent
// requests and event streams, with keep-alive connection pooling per endpoint.
// Thread-safe: any thread may submit. Network failures never throw; they are
// an Error on the Response and counted in stats().
class Client {
 public:
  using Completion = std::function<void(Response)>;

  explicit Client(ClientOptions options = {});
  // Abandons requests still in flight: their completions never run.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request` at its scheduled time; `done` runs on the client thread
  // and must not block (submitting more requests from it is fine).
  void submit(const Endpoint& endpoint, Request request, Completion done);

  // Blocking facade for tests and simple callers; not from a completion.
  Response send(const Endpoint& endpoint, Request request);

  // Runs all requests concurrently, each at its own scheduled time, and
  // returns their responses in the same order.
  std::vector<Response> run_batch(const Endpoint& endpoint, std::vector<Request> requests);

  ClientStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::http
