#include "transport_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace sbench::http {
namespace {

ErrorKind timeout_kind(WaitLimit limit) {
  switch (limit) {
    case WaitLimit::connect:
      return ErrorKind::connect_timeout;
    case WaitLimit::idle:
      return ErrorKind::idle_timeout;
    case WaitLimit::total:
      return ErrorKind::total_timeout;
  }
  return ErrorKind::total_timeout;
}

ErrorKind kind_of(const error_code& ec, WaitLimit limit) {
  namespace errors = boost::asio::error;
  if (ec == beast::error::timeout)
    return timeout_kind(limit);
  if (ec == errors::connection_reset || ec == errors::broken_pipe)
    return ErrorKind::connection_reset;
  if (ec == errors::eof || ec == beast::http::error::partial_message ||
      ec == beast::http::error::end_of_stream)
    return ErrorKind::connection_closed;
  if (ec.category() == make_error_code(beast::http::error::bad_version).category())
    return ErrorKind::protocol_error;
  return limit == WaitLimit::connect ? ErrorKind::connect_failed : ErrorKind::connection_closed;
}

}  // namespace

Error transport_error(const error_code& ec, WaitLimit limit, std::string_view step) {
  return {kind_of(ec, limit), std::string(step) + ": " + ec.message()};
}

bool is_peer_gone(const error_code& ec) {
  namespace errors = boost::asio::error;
  return ec == errors::eof || ec == errors::connection_reset || ec == errors::broken_pipe ||
         ec == beast::http::error::end_of_stream;
}

}  // namespace sbench::http
