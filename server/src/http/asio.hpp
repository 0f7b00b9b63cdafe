#pragma once

// The one place the HTTP layer includes Asio. Boost 1.74's
// <boost/asio/awaitable.hpp> uses std::exchange without including <utility>,
// so <utility> must come first; clang-format would sort it after Boost.
// clang-format off
#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
// clang-format on

namespace sbench::server::http {
namespace asio = boost::asio;
}  // namespace sbench::server::http
