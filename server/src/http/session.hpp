#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include "asio.hpp"
#include "connection_counts.hpp"
#include "request_framing.hpp"
#include "router.hpp"

namespace sbench::server::http {

// Shared by every connection of one server.
struct SessionContext {
  const Router& router;
  RequestLimits limits;
  // From a request's first byte: its headers must have arrived by
  // header_timeout, its body by request_timeout. A write the client does not
  // read for request_timeout also ends the connection.
  std::chrono::milliseconds header_timeout;
  std::chrono::milliseconds request_timeout;
  std::chrono::milliseconds idle_timeout;
  int max_connections;
  ConnectionCounts& connections;
  // Requests read but not yet fully answered: shutdown waits for these.
  std::atomic<int> requests_in_flight{0};
  // Set once the server is stopping: connections close after their current answer.
  std::atomic<bool> stopping{false};
};

// Serves one client connection, request after request (keep-alive), until the
// client closes it, a timeout, a protocol error or shutdown. Run it on a strand.
// Past context.max_connections open ones, it answers 429 and closes instead.
asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, SessionContext& context);

}  // namespace sbench::server::http
