#include "double_server.hpp"

// Boost 1.74's <boost/asio/awaitable.hpp> uses std::exchange without
// including <utility>, so <utility> must come first; clang-format would sort
// it after Boost.
// clang-format off
#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
// clang-format on

#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <deque>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "simulated_provider.hpp"

namespace sbench::provider_double {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::use_awaitable;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr std::size_t kMaxBodyBytes = 1 << 20;
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kReadChunk = 4096;
// After refusing a request whose body was not read, keep reading (and
// dropping) a little while: closing with unread data makes the kernel send a
// reset that can destroy the refusal before the client reads it.
constexpr auto kLingerTimeout = 1s;
// Out of file descriptors, accept fails at once until a connection closes:
// wait for that instead of spinning.
constexpr auto kAcceptRetryDelay = 10ms;

std::string_view view(beast::string_view text) {
  return {text.data(), text.size()};
}

// Errors of the HTTP parser share one category with the end of a stream.
bool is_malformed_request(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::optional<Endpoint> completion_endpoint(std::string_view path) {
  if (path == "/v1/chat/completions")
    return Endpoint::kChatCompletions;
  if (path == "/v1/completions")
    return Endpoint::kCompletions;
  return std::nullopt;
}

Reply not_found(std::string_view method, std::string_view target) {
  return error_reply(404, "Invalid URL (" + std::string(method) + " " + std::string(target) + ")",
                     "invalid_request_error", "unknown_url");
}

// Counts a request in flight until its answer is ready. A hung request stays
// counted until its client leaves, as it would hold a provider's slot.
class InFlight {
 public:
  explicit InFlight(SimulatedProvider& provider) : provider_(&provider) {
    provider.request_started();
  }
  ~InFlight() { end(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

  void end() {
    if (provider_ != nullptr)
      provider_->request_ended();
    provider_ = nullptr;
  }

 private:
  SimulatedProvider* provider_;
};

// The double's parallel sequences: a request holds a slot from before its
// latency until its answer is written, and one arriving when all are taken
// waits for the first to free, in order. One thread runs every connection,
// so the counter needs no lock.
class Slots {
 public:
  explicit Slots(std::int64_t count) : free_(count), limited_(count > 0) {}

  asio::awaitable<void> acquire() {
    if (!limited_)
      co_return;
    while (free_ == 0) {
      asio::steady_timer wake(co_await asio::this_coro::executor,
                              asio::steady_timer::time_point::max());
      waiters_.push_back(&wake);
      // A waiter whose connection is torn down (the double stopping) must not
      // stay in the queue for release() to reach.
      struct Leave {
        std::deque<asio::steady_timer*>& waiters;
        asio::steady_timer* wake;
        ~Leave() { std::erase(waiters, wake); }
      } leave{waiters_, &wake};
      beast::error_code ignored;
      co_await wake.async_wait(asio::redirect_error(use_awaitable, ignored));
    }
    --free_;
  }

  void release() {
    if (!limited_)
      return;
    ++free_;
    if (!waiters_.empty()) {
      waiters_.front()->cancel();
      waiters_.pop_front();
    }
  }

 private:
  std::int64_t free_;
  bool limited_;
  std::deque<asio::steady_timer*> waiters_;
};

class HeldSlot {
 public:
  explicit HeldSlot(Slots& slots) : slots_(&slots) {}
  ~HeldSlot() { end(); }
  HeldSlot(const HeldSlot&) = delete;
  HeldSlot& operator=(const HeldSlot&) = delete;

  void end() {
    if (slots_ != nullptr)
      slots_->release();
    slots_ = nullptr;
  }

 private:
  Slots* slots_;
};

class Connection {
 public:
  Connection(tcp::socket socket, SimulatedProvider& provider, Slots& slots)
      : stream_(std::move(socket)), provider_(provider), slots_(slots) {}

  asio::awaitable<void> serve() {
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(kMaxBodyBytes);
      if (const beast::error_code ec = co_await read_request(parser)) {
        co_await refuse_unreadable_request(ec);
        co_return;
      }
      if (!co_await handle(parser.release()))
        break;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  // No 100-continue: the clients it stands in front of (the runner, Python's
  // urllib) send their bodies at once.
  asio::awaitable<beast::error_code> read_request(
      bhttp::request_parser<bhttp::string_body>& parser) {
    beast::error_code ec;
    co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
    co_return ec;
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> handle(bhttp::request<bhttp::string_body> request) {
    const bool keep_alive = request.keep_alive();
    const std::string_view target = view(request.target());
    const std::string_view path = target.substr(0, target.find('?'));
    const bool get = request.method() == bhttp::verb::get;
    const bool post = request.method() == bhttp::verb::post;
    if (get && path == "/double/stats") {
      co_await write(provider_.stats(), keep_alive);
      co_return keep_alive;
    }
    InFlight in_flight(provider_);
    const std::optional<Endpoint> endpoint = post ? completion_endpoint(path) : std::nullopt;
    if (!endpoint) {
      Reply reply = get && path == "/v1/models" ? provider_.models()
                                                : not_found(view(request.method_string()), target);
      in_flight.end();
      co_await write(std::move(reply), keep_alive);
      co_return keep_alive;
    }
    co_await slots_.acquire();
    HeldSlot slot(slots_);
    Decision decision = provider_.decide(*endpoint, request.body());
    if (decision.latency > Clock::duration::zero()) {
      asio::steady_timer latency(stream_.get_executor(), decision.latency);
      co_await latency.async_wait(use_awaitable);
    }
    switch (decision.fate) {
      case Fate::kReset:
        in_flight.end();
        reset();
        co_return false;
      case Fate::kHang:
        co_await wait_for_client_to_leave();
        co_return false;
      case Fate::kReply:
        break;
    }
    if (decision.usage)
      provider_.delivered(*decision.usage);
    // Before the write: once the client has the answer it may send its next
    // request, which must not find this one still counted.
    in_flight.end();
    slot.end();
    co_await write(std::move(decision.reply), keep_alive);
    co_return keep_alive;
  }

  asio::awaitable<void> write(Reply reply, bool keep_alive) {
    bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(reply.status), 11};
    message.set(bhttp::field::server, "sbench-provider-double");
    message.set(bhttp::field::content_type, "application/json");
    for (const auto& [name, value] : reply.headers)
      message.set(name, value);
    message.keep_alive(keep_alive);
    message.body() = std::move(reply.body);
    message.prepare_payload();
    co_await bhttp::async_write(stream_, message, use_awaitable);
  }

  // A protocol error or a body over the limit ends the connection. A client
  // that closed or reset it gets nothing: nobody is left to read an answer.
  asio::awaitable<void> refuse_unreadable_request(const beast::error_code& ec) {
    Reply refusal;
    if (ec == bhttp::error::body_limit)
      refusal = error_reply(413, "The request body is larger than 1 MiB.", "invalid_request_error",
                            "request_too_large");
    else if (is_malformed_request(ec))
      refusal = error_reply(400, "Malformed HTTP request: " + ec.message(), "invalid_request_error",
                            "invalid_http");
    else
      co_return;
    co_await write(std::move(refusal), false);
    co_await linger();
  }

  asio::awaitable<void> linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTimeout);
    std::array<char, kReadChunk> discard;
    while (!ec)
      co_await stream_.async_read_some(asio::buffer(discard),
                                       asio::redirect_error(use_awaitable, ec));
  }

  // SO_LINGER 0 makes close() send a reset: the client sees ECONNRESET, as
  // when a provider's load balancer drops a connection.
  void reset() {
    beast::error_code ignored;
    tcp::socket& socket = stream_.socket();
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }

  // A hung request keeps its connection open until the client gives up and
  // closes it (or the double stops); whatever else it sends is dropped.
  asio::awaitable<void> wait_for_client_to_leave() {
    std::array<char, kReadChunk> discard;
    beast::error_code ec;
    while (!ec)
      co_await stream_.async_read_some(asio::buffer(discard),
                                       asio::redirect_error(use_awaitable, ec));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  SimulatedProvider& provider_;
  Slots& slots_;
};

asio::awaitable<void> serve_connection(tcp::socket socket, SimulatedProvider& provider,
                                       Slots& slots) {
  Connection connection(std::move(socket), provider, slots);
  try {
    co_await connection.serve();
  } catch (const boost::system::system_error&) {
    // The client went away while we wrote: nothing left to answer.
  } catch (const std::exception& error) {
    // co_spawn's detached completion would drop it silently.
    std::cerr << "sbench-provider-double: connection failed: " << error.what() << '\n';
  }
}

}  // namespace

struct DoubleServer::Impl {
  explicit Impl(const DoubleOptions& options)
      : provider(options), slots(options.slots), acceptor(io), signals(io, SIGINT, SIGTERM) {
    listen(options.host, options.port);
  }

  void listen(const std::string& host, int port) {
    try {
      tcp::resolver resolver(io);
      const tcp::endpoint endpoint = resolver.resolve(host, std::to_string(port))->endpoint();
      acceptor.open(endpoint.protocol());
      acceptor.set_option(tcp::acceptor::reuse_address(true));
      acceptor.bind(endpoint);
      acceptor.listen();
      bound_port = acceptor.local_endpoint().port();
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                               error.code().message());
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted)
        co_return;
      if (ec) {
        asio::steady_timer pause(io, kAcceptRetryDelay);
        co_await pause.async_wait(use_awaitable);
        continue;
      }
      beast::error_code ignored;
      // An answer held back by Nagle would add latency the double did not choose.
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(io, serve_connection(std::move(socket), provider, slots), asio::detached);
    }
  }

  void run() {
    asio::co_spawn(io, accept_loop(), asio::detached);
    // Connections still open (hung requests, idle keep-alives) need not
    // finish: the double's clients are tests that are done with it.
    signals.async_wait([this](const beast::error_code& ec, int) {
      if (ec)
        return;
      beast::error_code ignored;
      acceptor.close(ignored);
      io.stop();
    });
    io.run();
  }

  SimulatedProvider provider;
  Slots slots;
  // Declared after the provider: destroying the io_context destroys the
  // connections' coroutines, whose in-flight counts still reach it.
  asio::io_context io{1};
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::uint16_t bound_port = 0;
};

DoubleServer::DoubleServer(const DoubleOptions& options) : impl_(std::make_unique<Impl>(options)) {}

DoubleServer::~DoubleServer() = default;

std::uint16_t DoubleServer::port() const {
  return impl_->bound_port;
}

void DoubleServer::run() {
  impl_->run();
}

}  // namespace sbench::provider_double
