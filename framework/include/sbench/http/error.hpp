#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace sbench::http {

// Why a request failed. Every failure becomes one of these on the response;
// none throws, none hangs.
enum class ErrorKind {
  none,
  connect_failed,  // refused, unreachable, name not resolved
  connect_timeout,
  idle_timeout,   // no bytes for Timeouts::idle (slow headers, a stalled stream)
  total_timeout,  // Timeouts::total passed since the scheduled send time
  cancelled,
  connection_reset,    // the peer reset the connection
  connection_closed,   // the peer closed before the response was complete
  protocol_error,      // not a valid HTTP response
  rate_limited,        // HTTP 429
  unavailable,         // HTTP 503
  http_status,         // any other status >= 400
  wrong_content_type,  // not what Request::expect asked for
  invalid_json,
  truncated_stream,  // an event stream ended without its final event
  client_failure,    // the client itself failed, e.g. an on_event callback threw
};

inline constexpr std::size_t kErrorKindCount =
    static_cast<std::size_t>(ErrorKind::client_failure) + 1;

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::none;
  std::string message;
};

// How many requests failed, per kind.
class ErrorCounts {
 public:
  void add(ErrorKind kind, std::size_t count = 1) { counts_[index(kind)] += count; }
  std::size_t operator[](ErrorKind kind) const { return counts_[index(kind)]; }
  std::size_t total() const;  // all kinds but `none`
  // "idle_timeout=2 rate_limited=1", or "none" when nothing failed.
  std::string describe() const;

 private:
  static std::size_t index(ErrorKind kind) { return static_cast<std::size_t>(kind); }
  std::array<std::size_t, kErrorKindCount> counts_{};
};

}  // namespace sbench::http
