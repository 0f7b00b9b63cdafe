#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "abort_target.hpp"
#include "asio.hpp"
#include "connection.hpp"
#include "sbench/http/endpoint.hpp"
#include "sbench/http/error.hpp"

namespace sbench::http {

// Idle keep-alive connections per endpoint, and new ones when none is idle.
// Used on the client thread only; the counters may be read from any thread.
class ConnectionPool {
 public:
  ConnectionPool(asio::io_context& io, std::size_t max_idle_per_endpoint)
      : io_(io), max_idle_per_endpoint_(max_idle_per_endpoint) {}

  struct Acquired {
    std::shared_ptr<Connection> connection;  // null on error
    bool reused = false;
    Error error;
  };

  // An idle connection to `endpoint` (if `reuse` allows), else a new one
  // connected before `deadline`.
  asio::awaitable<Acquired> acquire(const Endpoint& endpoint, bool reuse,
                                    std::chrono::steady_clock::time_point deadline,
                                    AbortTarget& abort);
  // For a request that waits for its scheduled time: counts it as waiting
  // and, while fewer idle connections than waiting requests exist, connects
  // one now, so the connect stays out of its send. A failure is left for the
  // request's own connect to report. done_waiting() when the wait is over.
  asio::awaitable<void> connect_ahead(const Endpoint& endpoint,
                                      std::chrono::steady_clock::time_point deadline,
                                      AbortTarget& abort);
  void done_waiting(const Endpoint& endpoint);
  // Keeps a connection whose last response ended cleanly for the next request.
  void give_back(const Endpoint& endpoint, std::shared_ptr<Connection> connection);
  void close_all() { idle_.clear(); }

  std::size_t opened() const { return opened_; }
  std::size_t reused() const { return reused_; }

 private:
  asio::awaitable<Acquired> connect(const Endpoint& endpoint,
                                    std::chrono::steady_clock::time_point deadline,
                                    AbortTarget& abort);

  asio::io_context& io_;
  const std::size_t max_idle_per_endpoint_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  std::unordered_map<std::string, std::size_t> waiting_;
  std::atomic<std::size_t> opened_{0};
  std::atomic<std::size_t> reused_{0};
};

}  // namespace sbench::http
