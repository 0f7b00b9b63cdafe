#include "exchange.hpp"

#include <array>
#include <boost/beast/http.hpp>
#include <string_view>

#include "response_checks.hpp"
#include "transport_error.hpp"

namespace sbench::http {
namespace {

namespace beast_http = beast::http;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::uint64_t kBodyLimit = std::uint64_t{256} << 20;

// The next wait ends at the idle limit or at the request's deadline,
// whichever comes first; a timeout is named after the one that did.
struct Wait {
  Clock::time_point until;
  WaitLimit limit;
};

Wait next_wait(const Request& request, Clock::time_point deadline) {
  const auto idle_end = Clock::now() + request.timeouts.idle;
  return idle_end < deadline ? Wait{idle_end, WaitLimit::idle} : Wait{deadline, WaitLimit::total};
}

beast_http::request<beast_http::string_body> build_message(const Request& request,
                                                           const Endpoint& endpoint) {
  beast_http::request<beast_http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(beast_http::field::host, endpoint.key());
  message.set(beast_http::field::user_agent, "semantic-bench");
  for (const Header& header : request.headers)
    message.set(header.name, header.value);
  if (!request.body.empty()) {
    if (message.find(beast_http::field::content_type) == message.end())
      message.set(beast_http::field::content_type, "application/json");
    message.body() = request.body;
  }
  message.keep_alive(true);
  message.prepare_payload();
  return message;
}

// How the use of one connection ended.
enum class Ending {
  reusable,  // response complete, keep-alive: back to the pool
  spent,     // closed, failed or not keep-alive
  stale,     // a reused connection the server had closed: nothing was received
};

// One request and response over one connection.
class Transfer {
 public:
  Transfer(Connection& connection, const Request& request, Clock::time_point deadline,
           Response& response)
      : connection_(connection), request_(request), deadline_(deadline), response_(response) {}

  asio::awaitable<Ending> run(const Endpoint& endpoint, bool reused);

 private:
  Wait arm_wait() {
    const Wait wait = next_wait(request_, deadline_);
    connection_.stream.expires_at(wait.until);
    return wait;
  }
  Ending fail(const error_code& ec, const Wait& wait, std::string_view step);
  void take_head(const beast_http::response_header<>& head);
  void take_body_bytes(std::string_view bytes, Clock::time_point arrived);

  Connection& connection_;
  const Request& request_;
  const Clock::time_point deadline_;
  Response& response_;
  bool streaming_ = false;
  SseParser events_;
  BodyEnding ending_;
  Clock::time_point final_event_arrived_{};
};

asio::awaitable<Ending> Transfer::run(const Endpoint& endpoint, bool reused) {
  auto& stream = connection_.stream;
  auto& buffer = connection_.buffer;
  error_code ec;
  const auto message = build_message(request_, endpoint);
  if (!response_.timing.was_sent())
    response_.timing.sent = Clock::now();
  Wait wait = arm_wait();
  co_await beast_http::async_write(stream, message, awaitable_into(ec));
  if (ec)
    co_return reused&& is_peer_gone(ec) ? Ending::stale : fail(ec, wait, "sending the request");

  // Read the first bytes ourselves: the parser would only tell us when the
  // whole head is in, and time to first byte is what we report.
  if (buffer.size() == 0) {
    wait = arm_wait();
    const std::size_t read =
        co_await stream.async_read_some(buffer.prepare(kReadChunk), awaitable_into(ec));
    if (ec)
      co_return reused&& is_peer_gone(ec) ? Ending::stale
                                          : fail(ec, wait, "waiting for the response");
    buffer.commit(read);
  }
  response_.timing.first_byte = Clock::now();

  beast_http::response_parser<beast_http::buffer_body> parser;
  parser.body_limit(kBodyLimit);
  wait = arm_wait();
  co_await beast_http::async_read_header(stream, buffer, parser, awaitable_into(ec));
  if (ec)
    co_return fail(ec, wait, "reading the response head");
  take_head(parser.get());

  // read_some, not read: each event is stamped when its bytes arrive.
  std::array<char, kReadChunk> chunk;
  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    body.more = true;
    wait = arm_wait();
    co_await beast_http::async_read_some(stream, buffer, parser, awaitable_into(ec));
    if (ec == beast_http::error::need_buffer)
      ec = {};
    take_body_bytes({chunk.data(), chunk.size() - parser.get().body().size}, Clock::now());
    if (ec && ending_.final_event_seen)
      break;  // the stream was complete; only the connection is lost
    if (ec)
      co_return fail(ec, wait, "reading the response body");
  }
  ending_.cut_mid_event = streaming_ && events_.mid_event();
  response_.timing.done = ending_.final_event_seen ? final_event_arrived_ : Clock::now();
  check_response(request_, ending_, response_);
  co_return parser.is_done() && parser.keep_alive() ? Ending::reusable : Ending::spent;
}

Ending Transfer::fail(const error_code& ec, const Wait& wait, std::string_view step) {
  response_.error = request_.cancellation.cancelled()
                        ? Error{ErrorKind::cancelled, std::string(step) + ": cancelled"}
                        : transport_error(ec, wait.limit, step);
  response_.timing.done = Clock::now();
  return Ending::spent;
}

void Transfer::take_head(const beast_http::response_header<>& head) {
  response_.status = static_cast<int>(head.result_int());
  response_.headers.clear();
  for (const auto& field : head)
    response_.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  streaming_ = is_event_stream(response_);
}

void Transfer::take_body_bytes(std::string_view bytes, Clock::time_point arrived) {
  if (!streaming_) {
    response_.body.append(bytes);
    if (request_.on_body_bytes && !bytes.empty())
      request_.on_body_bytes(bytes, arrived);
    return;
  }
  const std::size_t first_new = response_.events.size();
  events_.feed(bytes, arrived, response_.events);
  for (std::size_t i = first_new; i < response_.events.size(); ++i) {
    const SseEvent& event = response_.events[i];
    if (request_.on_event)
      request_.on_event(event);
    if (!ending_.final_event_seen && request_.is_final_event && request_.is_final_event(event)) {
      ending_.final_event_seen = true;
      final_event_arrived_ = event.arrived;
    }
  }
}

Error connect_error(const Request& request, Error error, Clock::time_point deadline) {
  if (request.cancellation.cancelled())
    return {ErrorKind::cancelled, "connecting: cancelled"};
  if (error.kind == ErrorKind::connect_timeout && Clock::now() >= deadline)
    error.kind = ErrorKind::total_timeout;
  return error;
}

}  // namespace

asio::awaitable<void> exchange(ConnectionPool& pool, const Endpoint& endpoint,
                               const Request& request, Clock::time_point deadline,
                               AbortTarget& abort, Response& response) {
  bool reuse = true;
  for (;;) {
    const auto connect_deadline = std::min(deadline, Clock::now() + request.timeouts.connect);
    auto acquired = co_await pool.acquire(endpoint, reuse, connect_deadline, abort);
    if (!acquired.connection) {
      response.error = connect_error(request, std::move(acquired.error), deadline);
      response.timing.done = Clock::now();
      co_return;
    }
    abort.waiting_on(acquired.connection);
    response.reused_connection = acquired.reused;
    Transfer transfer(*acquired.connection, request, deadline, response);
    const Ending ending = co_await transfer.run(endpoint, acquired.reused);
    if (ending == Ending::stale) {
      reuse = false;
      continue;
    }
    if (ending == Ending::reusable)
      pool.give_back(endpoint, std::move(acquired.connection));
    co_return;
  }
}

}  // namespace sbench::http
