#include "connection_pool.hpp"

#include "transport_error.hpp"

namespace sbench::http {
namespace {

// Names are resolved by the system resolver, which has no timeout of its
// own: a timer cancels it at the deadline.
asio::awaitable<tcp::resolver::results_type> resolve(const Endpoint& endpoint,
                                                     std::chrono::steady_clock::time_point deadline,
                                                     error_code& ec) {
  auto executor = co_await asio::this_coro::executor;
  // Shared with the timer's handler, which may still run after we return.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor, deadline);
  timer.async_wait([resolver](const error_code& wait_ec) {
    if (!wait_ec)
      resolver->cancel();
  });
  auto results = co_await resolver->async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                  awaitable_into(ec));
  timer.cancel();
  co_return results;
}

}  // namespace

asio::awaitable<ConnectionPool::Acquired> ConnectionPool::acquire(
    const Endpoint& endpoint, bool reuse, std::chrono::steady_clock::time_point deadline,
    AbortTarget& abort) {
  auto& idle = idle_[endpoint.key()];
  if (reuse && !idle.empty()) {
    Acquired acquired{std::move(idle.back()), true, {}};
    idle.pop_back();
    ++reused_;
    co_return acquired;
  }
  co_return co_await connect(endpoint, deadline, abort);
}

asio::awaitable<ConnectionPool::Acquired> ConnectionPool::connect(
    const Endpoint& endpoint, std::chrono::steady_clock::time_point deadline, AbortTarget& abort) {
  Acquired acquired;
  error_code ec;
  const auto address = asio::ip::make_address(endpoint.host, ec);
  tcp::resolver::results_type addresses;
  if (ec)
    addresses = co_await resolve(endpoint, deadline, ec);
  else
    addresses = tcp::resolver::results_type::create(tcp::endpoint(address, endpoint.port),
                                                    endpoint.host, std::to_string(endpoint.port));
  if (ec) {
    acquired.error = transport_error(ec, WaitLimit::connect, "resolving " + endpoint.host);
    co_return acquired;
  }
  auto connection = std::make_shared<Connection>(io_);
  abort.waiting_on(connection);
  connection->stream.expires_at(deadline);
  co_await connection->stream.async_connect(addresses, awaitable_into(ec));
  if (ec) {
    acquired.error = transport_error(ec, WaitLimit::connect, "connecting to " + endpoint.key());
    co_return acquired;
  }
  // Requests are small and latency is what we measure: never wait for Nagle.
  connection->stream.socket().set_option(tcp::no_delay(true), ec);
  ++opened_;
  acquired.connection = std::move(connection);
  co_return acquired;
}

asio::awaitable<void> ConnectionPool::connect_ahead(const Endpoint& endpoint,
                                                    std::chrono::steady_clock::time_point deadline,
                                                    AbortTarget& abort) {
  const std::size_t waiting = ++waiting_[endpoint.key()];
  if (idle_[endpoint.key()].size() >= waiting)
    co_return;
  Acquired opened = co_await connect(endpoint, deadline, abort);
  if (opened.connection)
    give_back(endpoint, std::move(opened.connection));
}

void ConnectionPool::done_waiting(const Endpoint& endpoint) {
  auto& waiting = waiting_[endpoint.key()];
  if (waiting > 0)
    --waiting;
}

void ConnectionPool::give_back(const Endpoint& endpoint, std::shared_ptr<Connection> connection) {
  auto& idle = idle_[endpoint.key()];
  if (idle.size() < max_idle_per_endpoint_)
    idle.push_back(std::move(connection));
}

}  // namespace sbench::http
