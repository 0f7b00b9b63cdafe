#pragma once

#include <boost/beast/http.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "http_types.hpp"

namespace sbench::server::http {

// How a request is read off a connection, apart from the socket: the parser
// with the server's limits, the framing rules Beast leaves to us, and the
// answer to a request that cannot be read. The session and the request
// fuzzer (fuzz/server/) share it, so the fuzzer parses exactly as the server.

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

struct RequestLimits {
  std::size_t max_header_bytes;
  std::size_t max_body_bytes;
};

void apply_limits(RequestParser& parser, const RequestLimits& limits);

// What in a request's header the parser accepts but RFC 9112 does not: a
// framing that two parsers could read two ways (request smuggling: the body
// would be taken as the next request), or a Host that is missing or twice.
std::optional<std::string> framing_problem(const RequestParser& parser);

// The answer to a request the parser gave up on: 431 for headers over the
// limit, 413 for a body over it, 400 for a protocol error; nullopt when the
// connection itself failed (closed, reset, timed out) and nobody is left to
// answer. The connection is closed after any of them.
std::optional<HttpResponse> unreadable_request_answer(const boost::beast::error_code& ec,
                                                      const RequestLimits& limits);

// The request as the routes see it.
HttpRequest route_request(RequestParser& parser);

}  // namespace sbench::server::http
