#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace sbench::http::testing {

// Responses as bytes on the wire, so tests control every header and frame.

inline std::string response_head(int status, std::string_view content_type,
                                 std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " Status\r\nContent-Type: " + std::string(content_type) + "\r\n" +
         std::string(extra_headers);
}

// A whole response framed by Content-Length.
inline std::string sized_response(int status, std::string_view content_type, std::string_view body,
                                  std::string_view extra_headers = "") {
  return response_head(status, content_type, extra_headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

inline std::string json_response(std::string_view body) {
  return sized_response(200, "application/json", body);
}

// The head of an event stream framed by chunked transfer encoding, or by
// closing the connection.
inline std::string chunked_stream_head() {
  return response_head(200, "text/event-stream", "Transfer-Encoding: chunked\r\n") + "\r\n";
}
inline std::string close_framed_stream_head() {
  return response_head(200, "text/event-stream", "Connection: close\r\n") + "\r\n";
}

inline std::string chunk(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace sbench::http::testing
