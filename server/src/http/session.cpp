#include "session.hpp"

#include <sys/socket.h>

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "error_response.hpp"
#include "generation_reply.hpp"

namespace sbench::server::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::use_awaitable;
using namespace std::chrono_literals;

constexpr std::size_t kReadChunk = 4096;
// After refusing a request whose body we did not read, keep reading (and
// discarding) a little while: closing with unread data makes the kernel send
// a reset that can destroy the error response before the client reads it.
constexpr auto kLingerTimeout = 1s;
// Connections past --max-connections are answered 429 and lingered on (up to
// kLingerTimeout) only up to this many at once; beyond, they are closed
// unanswered, so a flood cannot hold more descriptors than the limit allows.
constexpr int kRefusalsAnswered = 64;

// Counts a connection as open for as long as it is served.
class OpenConnection {
 public:
  explicit OpenConnection(ConnectionCounts& counts) : counts_(counts), before_(counts_.open++) {}
  ~OpenConnection() { --counts_.open; }
  OpenConnection(const OpenConnection&) = delete;
  OpenConnection& operator=(const OpenConnection&) = delete;

  // Connections open before this one.
  int others() const { return before_; }

 private:
  ConnectionCounts& counts_;
  int before_;
};

class InFlightRequest {
 public:
  explicit InFlightRequest(std::atomic<int>& counter) : counter_(counter) { ++counter_; }
  ~InFlightRequest() { --counter_; }
  InFlightRequest(const InFlightRequest&) = delete;
  InFlightRequest& operator=(const InFlightRequest&) = delete;

 private:
  std::atomic<int>& counter_;
};

// However the connection's part ends (done, write error, server teardown),
// the engine stops working for a client that is gone.
class AbandonOnExit {
 public:
  explicit AbandonOnExit(GenerationReply& reply) : reply_(reply) {}
  ~AbandonOnExit() { reply_.abandon(); }
  AbandonOnExit(const AbandonOnExit&) = delete;
  AbandonOnExit& operator=(const AbandonOnExit&) = delete;

 private:
  GenerationReply& reply_;
};

// Watches a connection while its request is answered for the client going
// away (end of stream or reset), so the engine stops working for nobody also
// before the answer's first byte is written: during a prefill, or for the
// whole of an answer that is not streamed. Data from the client instead (a
// pipelined request) ends the watch; it is read once this answer is sent.
class HangUpWatch {
 public:
  HangUpWatch(asio::ip::tcp::socket& socket, std::shared_ptr<asio::steady_timer> wakeup)
      : socket_(socket), wakeup_(std::move(wakeup)), state_(std::make_shared<State>()) {}
  ~HangUpWatch() {
    state_->active = false;
    if (state_->waiting) {
      beast::error_code ignored;
      socket_.cancel(ignored);  // the wait is the socket's only operation now
    }
  }
  HangUpWatch(const HangUpWatch&) = delete;
  HangUpWatch& operator=(const HangUpWatch&) = delete;

  // Starts a wait for the socket to become readable, unless one is pending
  // or the watch has ended; a hang-up cancels `wakeup`.
  void arm() {
    if (state_->waiting || state_->ended)
      return;
    state_->waiting = true;
    socket_.async_wait(
        asio::ip::tcp::socket::wait_read,
        asio::bind_executor(wakeup_->get_executor(), [this, state = state_](beast::error_code ec) {
          state->waiting = false;
          if (state->active && !ec)
            look();
        }));
  }

  bool client_gone() const { return state_->gone; }

 private:
  struct State {
    bool active = true;  // false once the watch is destroyed: `this` is gone
    bool waiting = false;
    bool ended = false;
    bool gone = false;
  };

  void look() {
    char byte;
    const ssize_t peeked = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked > 0) {
      state_->ended = true;
    } else if (peeked == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      state_->gone = true;
      state_->ended = true;
      wakeup_->cancel();
    } else {
      arm();  // woken for nothing
    }
  }

  asio::ip::tcp::socket& socket_;
  std::shared_ptr<asio::steady_timer> wakeup_;
  std::shared_ptr<State> state_;
};

class Connection {
 public:
  Connection(asio::ip::tcp::socket socket, SessionContext& context)
      : stream_(std::move(socket)), context_(context) {}

  asio::awaitable<void> serve() {
    while (!context_.stopping) {
      if (!co_await wait_for_request())
        co_return;
      const auto started = std::chrono::steady_clock::now();
      RequestParser parser;
      apply_limits(parser, context_.limits);
      beast::error_code ec = co_await read_header(parser, started + context_.header_timeout);
      if (!ec) {
        if (const std::optional<std::string> problem = framing_problem(parser)) {
          co_await refuse(error_response(400, "malformed HTTP request: " + *problem));
          co_return;
        }
        ec = co_await read_body(parser, started + context_.request_timeout);
      }
      if (ec) {
        if (const std::optional<HttpResponse> refusal =
                unreadable_request_answer(ec, context_.limits))
          co_await refuse(*refusal);
        co_return;  // closed, reset or timed out: nobody left to answer
      }
      const bool keep_alive = co_await answer(parser);
      if (!keep_alive || context_.stopping)
        break;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }

  // A connection past --max-connections: 429 before its request is read, so
  // it costs no more than the answer and a short linger.
  asio::awaitable<void> refuse_over_limit() {
    HttpResponse refusal = error_response(429, "the server has --max-connections (" +
                                                   std::to_string(context_.max_connections) +
                                                   ") connections open; retry when one closes");
    refusal.headers.emplace_back("Retry-After", "1");
    co_await refuse(refusal);
  }

 private:
  // An idle keep-alive connection may wait long for its next request; once
  // the first byte arrives the (shorter) header and request timeouts apply.
  asio::awaitable<bool> wait_for_request() {
    if (buffer_.size() > 0)
      co_return true;
    stream_.expires_after(context_.idle_timeout);
    beast::error_code ec;
    const std::size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                                           asio::redirect_error(use_awaitable, ec));
    buffer_.commit(n);
    co_return !ec;
  }

  asio::awaitable<beast::error_code> read_header(RequestParser& parser,
                                                 std::chrono::steady_clock::time_point deadline) {
    beast::error_code ec;
    stream_.expires_at(deadline);
    co_await bhttp::async_read_header(stream_, buffer_, parser,
                                      asio::redirect_error(use_awaitable, ec));
    co_return ec;
  }

  asio::awaitable<beast::error_code> read_body(RequestParser& parser,
                                               std::chrono::steady_clock::time_point deadline) {
    beast::error_code ec;
    stream_.expires_at(deadline);
    // curl and others wait for this before sending a larger body.
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(stream_, asio::buffer(kContinue),
                                 asio::redirect_error(use_awaitable, ec));
      if (ec)
        co_return ec;
    }
    co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
    co_return ec;
  }

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> answer(RequestParser& parser) {
    const InFlightRequest in_flight(context_.requests_in_flight);
    bool keep_alive = parser.get().keep_alive() && !context_.stopping;
    // HTTP/1.0 has no chunked encoding: a stream's end is the connection's.
    const bool chunked = parser.get().version() >= 11;
    const HttpRequest request = route_request(parser);
    const HttpResponse response = context_.router.handle(request);
    if (response.generation)
      keep_alive = co_await write_generation(*response.generation, keep_alive, chunked);
    else
      co_await write_response(response, keep_alive);
    co_return keep_alive;
  }

  // Answers and closes: after a request whose framing is in doubt, nothing
  // more on this connection can be trusted to start where it seems to.
  asio::awaitable<void> refuse(const HttpResponse& refusal) {
    co_await write_response(refusal, false);
    co_await linger();
  }

  asio::awaitable<void> linger() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTimeout);
    std::array<char, kReadChunk> discard;
    while (!ec)
      co_await stream_.async_read_some(asio::buffer(discard),
                                       asio::redirect_error(use_awaitable, ec));
  }

  template <typename Message>
  void set_common_fields(Message& message, bool keep_alive) {
    message.set(bhttp::field::server, "sbench-server");
    message.keep_alive(keep_alive);
  }

  asio::awaitable<void> write_response(const HttpResponse& response, bool keep_alive) {
    bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), 11};
    set_common_fields(message, keep_alive);
    message.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers)
      message.set(name, value);
    message.body() = response.body;
    message.prepare_payload();
    stream_.expires_after(context_.request_timeout);
    co_await bhttp::async_write(stream_, message, use_awaitable);
  }

  // Sends what the engine produces as it arrives: one chunk per poll, so each
  // token is flushed as soon as it exists.
  // Returns whether the connection may carry another request.
  asio::awaitable<bool> write_generation(GenerationReply& reply, bool keep_alive, bool chunked) {
    const AbandonOnExit abandon_on_exit(reply);
    const auto executor = co_await asio::this_coro::executor;
    auto wakeup = std::make_shared<asio::steady_timer>(executor);
    // Runs on the scheduler thread: only posts, and the wait is cancelled on
    // this connection's strand.
    reply.set_notify([executor, wakeup] { asio::post(executor, [wakeup] { wakeup->cancel(); }); });
    HangUpWatch hang_up(stream_.socket(), wakeup);
    bool stream_started = false;
    for (;;) {
      ReplyProgress progress = reply.poll();
      if (progress.response) {
        co_await write_response(*progress.response, keep_alive);
        co_return keep_alive;
      }
      if (!progress.stream_data.empty()) {
        if (!stream_started)
          co_await write_stream_header(keep_alive && chunked, chunked);
        stream_started = true;
        stream_.expires_after(context_.request_timeout);
        if (chunked)
          co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(progress.stream_data)),
                                     use_awaitable);
        else
          co_await asio::async_write(stream_, asio::buffer(progress.stream_data), use_awaitable);
      }
      if (progress.stream_ended) {
        if (chunked)
          co_await asio::async_write(stream_, bhttp::make_chunk_last(), use_awaitable);
        co_return keep_alive&& chunked;
      }
      if (progress.stream_data.empty()) {
        // Nothing can be lost between poll() and this wait: a notification
        // posted meanwhile runs on this strand only once we are suspended.
        stream_.expires_never();
        wakeup->expires_at(asio::steady_timer::time_point::max());
        hang_up.arm();
        beast::error_code cancelled;
        co_await wakeup->async_wait(asio::redirect_error(use_awaitable, cancelled));
        if (hang_up.client_gone())
          co_return false;  // abandon_on_exit cancels the engine's work
      }
    }
  }

  asio::awaitable<void> write_stream_header(bool keep_alive, bool chunked) {
    bhttp::response<bhttp::empty_body> header{bhttp::status::ok, 11};
    set_common_fields(header, keep_alive);
    header.set(bhttp::field::content_type, "text/event-stream");
    header.set(bhttp::field::cache_control, "no-cache");
    header.chunked(chunked);
    bhttp::response_serializer<bhttp::empty_body> serializer{header};
    stream_.expires_after(context_.request_timeout);
    co_await bhttp::async_write_header(stream_, serializer, use_awaitable);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  SessionContext& context_;
};

}  // namespace

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, SessionContext& context) {
  beast::error_code ignored;
  // Tokens are small writes that must leave at once, not wait for Nagle.
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  const OpenConnection counted(context.connections);
  const int past_limit = counted.others() - context.max_connections;  // >= 0: refuse
  if (past_limit >= 0)
    ++context.connections.refused;
  if (past_limit >= kRefusalsAnswered)
    co_return;  // the socket closes unanswered
  Connection connection(std::move(socket), context);
  try {
    if (past_limit >= 0)
      co_await connection.refuse_over_limit();
    else
      co_await connection.serve();
  } catch (const boost::system::system_error&) {
    // The client went away or stalled past a timeout: nothing left to answer.
  } catch (const std::exception& error) {
    std::cerr << "sbench-server: connection failed: " << error.what() << '\n';
  }
}

}  // namespace sbench::server::http
