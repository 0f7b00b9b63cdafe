#pragma once

#include "asio.hpp"

namespace sbench::http {

// One keep-alive connection. The buffer belongs to it, not to a request:
// bytes read past the end of one response start the next.
struct Connection {
  explicit Connection(asio::io_context& io) : stream(io) {}

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

}  // namespace sbench::http
