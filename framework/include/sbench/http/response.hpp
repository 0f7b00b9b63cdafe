#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sbench/http/error.hpp"
#include "sbench/http/request.hpp"
#include "sbench/http/request_timing.hpp"
#include "sbench/http/sse.hpp"

namespace sbench::http {

struct Response {
  int status = 0;  // 0 when no response head arrived
  std::vector<Header> headers;
  std::string body;              // the body, unless it was an event stream
  std::vector<SseEvent> events;  // the events, if it was one
  RequestTiming timing;
  Error error;
  // From a Retry-After header (delay-seconds or HTTP-date), as a wait from
  // when the response arrived.
  std::optional<std::chrono::milliseconds> retry_after;
  int attempts = 0;  // sends, retries included
  bool reused_connection = false;

  bool ok() const { return error.kind == ErrorKind::none; }
  // Case-insensitive; nullptr when absent.
  const std::string* header(std::string_view name) const;
};

ErrorCounts count_errors(std::span<const Response> responses);

}  // namespace sbench::http
