#include "http_client.hpp"

// Boost 1.74's Asio uses std::exchange without including <utility>.
// clang-format off
#include <utility>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

#include <algorithm>
#include <optional>

namespace sbench::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string HttpResult::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

struct HttpClient::Impl {
  Impl(std::uint16_t port, std::chrono::milliseconds timeout_ms) : stream(io), timeout(timeout_ms) {
    stream.expires_after(timeout);
    run([&](auto handler) {
      stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                           [handler](beast::error_code ec) { handler(ec, 0); });
    });
  }

  // Runs one asynchronous operation to completion; tcp_stream's expiry turns
  // a stalled operation into beast::error::timeout.
  template <typename Start>
  std::size_t run(Start start, bool eof_is_ok = false) {
    std::optional<beast::error_code> result;
    std::size_t transferred = 0;
    start([&](beast::error_code ec, std::size_t n) {
      result = ec;
      transferred = n;
    });
    io.restart();
    io.run();
    if (result && *result && !(eof_is_ok && *result == bhttp::error::end_of_stream) &&
        !(eof_is_ok && *result == asio::error::eof))
      throw beast::system_error(*result);
    return transferred;
  }

  HttpResult result_of(const bhttp::response_parser<bhttp::string_body>& response_parser) {
    HttpResult result;
    const auto& message = response_parser.get();
    result.status = static_cast<int>(message.result_int());
    for (const auto& field : message)
      result.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    result.chunked = message.chunked();
    return result;
  }

  asio::io_context io;
  beast::tcp_stream stream;
  std::chrono::milliseconds timeout;
  beast::flat_buffer buffer;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}

HttpClient::~HttpClient() = default;

void HttpClient::send_request(const std::string& method, const std::string& target,
                              const std::string& body) {
  bhttp::request<bhttp::string_body> message{bhttp::string_to_verb(method), target, 11};
  message.set(bhttp::field::host, "127.0.0.1");
  if (!body.empty())
    message.set(bhttp::field::content_type, "application/json");
  message.body() = body;
  message.prepare_payload();
  impl_->stream.expires_after(impl_->timeout);
  impl_->run([&](auto handler) { bhttp::async_write(impl_->stream, message, handler); });
  impl_->parser.emplace();
  impl_->parser->body_limit(64 << 20);
}

HttpResult HttpClient::read_header() {
  impl_->stream.expires_after(impl_->timeout);
  impl_->run([&](auto handler) {
    bhttp::async_read_header(impl_->stream, impl_->buffer, *impl_->parser, handler);
  });
  return impl_->result_of(*impl_->parser);
}

bool HttpClient::read_body_some(std::string& body) {
  auto& parser = *impl_->parser;
  if (!parser.is_done()) {
    impl_->stream.expires_after(impl_->timeout);
    impl_->run([&](auto handler) {
      bhttp::async_read_some(impl_->stream, impl_->buffer, parser, handler);
    });
  }
  body += parser.get().body();
  parser.get().body().clear();
  return !parser.is_done();
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body) {
  send_request(method, target, body);
  HttpResult result = read_header();
  while (read_body_some(result.body)) {
  }
  return result;
}

HttpResult HttpClient::post_json(const std::string& target, const nlohmann::json& body) {
  return request("POST", target, body.dump());
}

void HttpClient::send_raw(const std::string& bytes) {
  impl_->stream.expires_after(impl_->timeout);
  impl_->run([&](auto handler) { asio::async_write(impl_->stream, asio::buffer(bytes), handler); });
}

std::string HttpClient::read_until_closed() {
  std::string received;
  impl_->stream.expires_after(impl_->timeout);
  for (;;) {
    std::array<char, 4096> chunk;
    const std::size_t n = impl_->run(
        [&](auto handler) { impl_->stream.async_read_some(asio::buffer(chunk), handler); }, true);
    if (n == 0)
      return received;
    received.append(chunk.data(), n);
  }
}

void HttpClient::close() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  impl_->stream.close();
}

}  // namespace sbench::test
