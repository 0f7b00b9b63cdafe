#include <numeric>

#include "sbench/http/error.hpp"

namespace sbench::http {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none:
      return "none";
    case ErrorKind::connect_failed:
      return "connect_failed";
    case ErrorKind::connect_timeout:
      return "connect_timeout";
    case ErrorKind::idle_timeout:
      return "idle_timeout";
    case ErrorKind::total_timeout:
      return "total_timeout";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::connection_reset:
      return "connection_reset";
    case ErrorKind::connection_closed:
      return "connection_closed";
    case ErrorKind::protocol_error:
      return "protocol_error";
    case ErrorKind::rate_limited:
      return "rate_limited";
    case ErrorKind::unavailable:
      return "unavailable";
    case ErrorKind::http_status:
      return "http_status";
    case ErrorKind::wrong_content_type:
      return "wrong_content_type";
    case ErrorKind::invalid_json:
      return "invalid_json";
    case ErrorKind::truncated_stream:
      return "truncated_stream";
    case ErrorKind::client_failure:
      return "client_failure";
  }
  return "unknown";
}

std::size_t ErrorCounts::total() const {
  return std::accumulate(counts_.begin() + 1, counts_.end(), std::size_t{0});
}

std::string ErrorCounts::describe() const {
  std::string text;
  for (std::size_t i = 1; i < counts_.size(); ++i) {
    if (counts_[i] == 0)
      continue;
    if (!text.empty())
      text += ' ';
    text += to_string(static_cast<ErrorKind>(i));
    text += '=' + std::to_string(counts_[i]);
  }
  return text.empty() ? "none" : text;
}

}  // namespace sbench::http
