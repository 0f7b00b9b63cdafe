#include "sbench/server/http_server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "asio.hpp"
#include "routes.hpp"
#include "session.hpp"

namespace sbench::server {
namespace {

using namespace std::chrono_literals;
using http::asio::use_awaitable;
namespace asio = http::asio;

// How long responses in flight (streams ending with the shutdown error) get
// to be written before the connections are dropped.
constexpr auto kShutdownGrace = 2s;
constexpr auto kDrainPoll = 10ms;

void check(const HttpServerOptions& options) {
  if (options.io_threads < 1)
    throw std::invalid_argument("io threads must be at least 1");
  if (options.max_body_bytes == 0 || options.max_header_bytes == 0)
    throw std::invalid_argument("max body and header bytes must be positive");
  if (options.max_header_bytes > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("max header bytes must fit in 32 bits");
  if (options.max_connections < 1)
    throw std::invalid_argument("max connections must be at least 1");
  if (options.header_timeout <= 0ms || options.request_timeout <= 0ms ||
      options.idle_timeout <= 0ms)
    throw std::invalid_argument("timeouts must be positive");
}

// Descriptors besides connections: the listening socket, cache files being
// saved or loaded, the model file, stdio, the refusals past the limit.
constexpr int kSpareDescriptors = 128;

// Raises the soft RLIMIT_NOFILE so max_connections sockets can be open at
// once (Debian's default soft limit is 1024); where the hard limit is lower,
// lowers max_connections to fit and says so, rather than failing accepts
// with EMFILE later.
int fit_descriptor_limit(int max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return max_connections;
  const auto wanted = static_cast<rlim_t>(max_connections) + kSpareDescriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    const rlim_t raised =
        limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    rlimit new_limit{raised, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &new_limit) == 0)
      limit.rlim_cur = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted)
    return max_connections;
  const int fitting = std::max(1, static_cast<int>(limit.rlim_cur) - kSpareDescriptors);
  std::cerr << "sbench-server: warning: the file descriptor limit (" << limit.rlim_cur
            << ", ulimit -n) allows " << fitting << " connections: --max-connections lowered from "
            << max_connections << " to " << fitting << '\n';
  return fitting;
}

}  // namespace

struct HttpServer::Impl {
  Impl(Engine& engine_ref, HttpServerOptions server_options)
      : engine(engine_ref),
        options((check(server_options), std::move(server_options))),
        routes{engine, static_cast<std::int64_t>(std::time(nullptr))},
        router(http::make_api_router(routes)),
        session{router,
                {options.max_header_bytes, options.max_body_bytes},
                options.header_timeout,
                options.request_timeout,
                options.idle_timeout,
                fit_descriptor_limit(options.max_connections),
                routes.connections},
        io(options.io_threads),
        control(asio::make_strand(io)),
        acceptor(control),
        signals(control) {
    listen();
  }

  void listen() {
    const std::string where = options.host + ":" + std::to_string(options.port);
    try {
      asio::ip::tcp::resolver resolver(io);
      const asio::ip::tcp::endpoint endpoint =
          resolver.resolve(options.host, std::to_string(options.port))->endpoint();
      acceptor.open(endpoint.protocol());
      acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
      acceptor.bind(endpoint);
      acceptor.listen();
      bound_port = acceptor.local_endpoint().port();
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error("cannot listen on " + where + ": " + error.code().message());
    }
  }

  asio::awaitable<void> accept_loop() {
    while (!session.stopping) {
      boost::system::error_code ec;
      // Each connection gets its own strand: its reads, writes and wake-ups
      // never run concurrently, while connections spread over the io threads.
      asio::ip::tcp::socket socket = co_await acceptor.async_accept(
          asio::make_strand(io), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted)
          co_return;
        continue;  // e.g. out of file descriptors: the next accept may succeed
      }
      const auto executor = socket.get_executor();
      asio::co_spawn(executor, http::serve_connection(std::move(socket), session), asio::detached);
    }
  }

  // Runs on the control strand, which owns the acceptor and the signal set.
  void begin_shutdown() {
    if (session.stopping.exchange(true))
      return;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    // Cleared, not only cancelled: a second Ctrl-C then kills a stuck shutdown.
    signals.cancel(ignored);
    signals.clear(ignored);
    engine.shutdown();
    asio::co_spawn(control, stop_when_drained(), asio::detached);
  }

  asio::awaitable<void> stop_when_drained() {
    asio::steady_timer timer(control);
    const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    while (session.requests_in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(kDrainPoll);
      co_await timer.async_wait(use_awaitable);
    }
    io.stop();
  }

  Engine& engine;
  const HttpServerOptions options;
  http::RouteContext routes;
  const http::Router router;
  http::SessionContext session;
  // Declared after everything connections refer to: destroying it destroys
  // the connections' coroutines, which still use the router and the session.
  asio::io_context io;
  asio::strand<asio::io_context::executor_type> control;
  asio::ip::tcp::acceptor acceptor;
  asio::signal_set signals;
  std::uint16_t bound_port = 0;
};

HttpServer::HttpServer(Engine& engine, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::run() {
  Impl& impl = *impl_;
  asio::co_spawn(impl.control, impl.accept_loop(), asio::detached);
  if (impl.options.stop_on_signals) {
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([&impl](const boost::system::error_code& ec, int) {
      if (!ec)
        impl.begin_shutdown();
    });
  }
  std::vector<std::thread> helpers;
  for (int i = 1; i < impl.options.io_threads; ++i)
    helpers.emplace_back([&impl] { impl.io.run(); });
  impl.io.run();
  for (std::thread& helper : helpers)
    helper.join();
}

void HttpServer::stop() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace sbench::server
