#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::http {

// One server-sent event, stamped with the steady_clock time the bytes that
// completed it were read.
struct SseEvent {
  std::string type = "message";  // the `event:` field; "message" when absent, as the spec says
  std::string data;              // `data:` lines joined with '\n'
  std::string id;                // the last `id:` seen so far in the stream
  std::chrono::steady_clock::time_point arrived{};
};

// Incremental parser for the text/event-stream format (WHATWG HTML, "Server-
// sent events"): lines end in CRLF, LF or CR; `:` starts a comment; `data`,
// `event` and `id` are kept, `retry` and unknown fields are ignored; a blank
// line dispatches the event unless it has no data. Bytes may be split
// anywhere, including between the CR and LF of one line break.
class SseParser {
 public:
  // Appends every event that `bytes` completes to `out`, stamped `arrived`.
  void feed(std::string_view bytes, std::chrono::steady_clock::time_point arrived,
            std::vector<SseEvent>& out);

  // True when bytes of an undispatched event are pending: a stream that ends
  // here was cut short.
  bool mid_event() const { return !line_.empty() || has_fields_; }

 private:
  void take_line(std::chrono::steady_clock::time_point arrived, std::vector<SseEvent>& out);
  void take_field(std::string_view name, std::string_view value);

  std::string line_;
  bool after_cr_ = false;  // a CR ended the last line; a LF right after it belongs to it
  bool at_stream_start_ = true;
  bool has_fields_ = false;
  std::string type_;
  std::string data_;
  std::string last_id_;
};

}  // namespace sbench::http
