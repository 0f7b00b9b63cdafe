#include "request_framing.hpp"

#include "error_response.hpp"

namespace sbench::server::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;

void apply_limits(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
}

std::optional<std::string> framing_problem(const RequestParser& parser) {
  const auto& header = parser.get();
  if (header.count(bhttp::field::transfer_encoding) > 0) {
    if (!parser.chunked())
      return "the last Transfer-Encoding must be chunked (RFC 9112 section 6.3)";
    if (header.count(bhttp::field::content_length) > 0)
      return "Transfer-Encoding and Content-Length together (RFC 9112 section 6.3)";
  }
  const std::size_t hosts = header.count(bhttp::field::host);
  if (hosts > 1 || (hosts == 0 && header.version() >= 11))
    return "an HTTP/1.1 request needs exactly one Host header (RFC 9112 section 3.2)";
  return std::nullopt;
}

std::optional<HttpResponse> unreadable_request_answer(const beast::error_code& ec,
                                                      const RequestLimits& limits) {
  if (ec == bhttp::error::header_limit)
    return error_response(431, "the request headers are larger than " +
                                   std::to_string(limits.max_header_bytes) + " bytes");
  if (ec == bhttp::error::body_limit)
    return error_response(
        413, "the request body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
    return error_response(400, "malformed HTTP request: " + ec.message());
  return std::nullopt;
}

HttpRequest route_request(RequestParser& parser) {
  bhttp::request<bhttp::string_body> message = parser.release();
  return HttpRequest{std::string(message.method_string()), std::string(message.target()),
                     std::move(message.body())};
}

}  // namespace sbench::server::http
