#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "sbench/server/engine.hpp"

namespace sbench::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // loopback unless the user opts in to exposure
  std::uint16_t port = 0;          // 0: an ephemeral port, see HttpServer::port()
  std::size_t max_body_bytes = std::size_t{1} << 20;  // larger bodies get 413
  std::size_t max_header_bytes = 16 * 1024;           // larger headers get 431
  int io_threads = 2;
  // Connections served at once; the next ones get 429 with Retry-After. One
  // benchmark client with 1,000 streams fits, with room for its polls of
  // /health and /metrics. The server raises its file descriptor limit to
  // match, or lowers this to what the hard limit allows (with a warning).
  int max_connections = 1024;
  // From a request's first byte, so slow senders cannot pin connections: the
  // headers must have arrived within header_timeout, the whole request within
  // request_timeout. A write the client leaves unread that long also closes
  // the connection.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  // An idle keep-alive connection is closed after this long.
  std::chrono::milliseconds idle_timeout{60'000};
  // run() also stops on SIGINT/SIGTERM (for the server binary, not for tests
  // that embed the server).
  bool stop_on_signals = false;
};

// The HTTP/1.1 front end of an Engine: the agent API, the OpenAI-compatible
// /v1/completions, stats and Prometheus metrics (docs/SERVER_API.md).
class HttpServer {
 public:
  // Binds and listens at once, so port() is known before run(); throws
  // std::runtime_error when the address cannot be bound.
  HttpServer(Engine& engine, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // Serves on options.io_threads threads (the caller's included) until stop().
  void run();
  // Thread-safe and idempotent: stops accepting, shuts the engine down so
  // running generations end, gives responses in flight a short grace period
  // to be written, then makes run() return.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::server
