#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include "asio.hpp"
#include "router.hpp"

namespace sbench::server::http {

// Shared by every connection of one server.
struct SessionContext {
  const Router& router;
  std::size_t max_body_bytes;
  std::chrono::milliseconds request_timeout;
  std::chrono::milliseconds idle_timeout;
  // Requests read but not yet fully answered: shutdown waits for these.
  std::atomic<int> requests_in_flight{0};
  // Set once the server is stopping: connections close after their current answer.
  std::atomic<bool> stopping{false};
};

// Serves one client connection, request after request (keep-alive), until the
// client closes it, a timeout, a protocol error or shutdown. Run it on a strand.
asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, SessionContext& context);

}  // namespace sbench::server::http
