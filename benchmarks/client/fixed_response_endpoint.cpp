#include "fixed_response_endpoint.hpp"

#include <pthread.h>
#include <sched.h>

// Boost 1.74's <boost/asio/awaitable.hpp> needs <utility> first.
// clang-format off
#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
// clang-format on
#include <string>
#include <string_view>
#include <thread>

namespace sbench::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
    "{\"ok\":true}";

// Requests without bodies (GET) only: the head ends the request.
asio::awaitable<void> serve(tcp::socket socket) {
  std::string pending;
  boost::system::error_code ec;
  for (;;) {
    const std::size_t head =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(pending), "\r\n\r\n",
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;
    pending.erase(0, head);
    co_await asio::async_write(socket, asio::buffer(kResponse),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return;
  }
}

asio::awaitable<void> accept_forever(tcp::acceptor& acceptor) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

void pin_current_thread(int cpu) {
  if (cpu < 0)
    return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

struct FixedResponseEndpoint::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

FixedResponseEndpoint::FixedResponseEndpoint(std::uint16_t port, int cpu)
    : impl_(std::make_unique<Impl>()) {
  const tcp::endpoint address(asio::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(address.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(address);
  impl_->acceptor.listen(1024);
  asio::co_spawn(impl_->io, accept_forever(impl_->acceptor), [](std::exception_ptr) {});
  impl_->thread = std::thread([impl = impl_.get(), cpu] {
    pin_current_thread(cpu);
    impl->io.run();
  });
}

FixedResponseEndpoint::~FixedResponseEndpoint() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t FixedResponseEndpoint::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace sbench::bench
