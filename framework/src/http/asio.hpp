#pragma once

// The one place the HTTP client includes Asio and Beast. Boost 1.74's
// <boost/asio/awaitable.hpp> uses std::exchange without including <utility>,
// so <utility> must come first; clang-format would sort it after Boost.
// clang-format off
#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
// clang-format on

namespace sbench::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

// Every awaited operation reports its error in `ec` instead of throwing.
inline auto awaitable_into(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}
}  // namespace sbench::http
