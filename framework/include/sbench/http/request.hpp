#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sbench/http/cancellation.hpp"
#include "sbench/http/sse.hpp"

namespace sbench::http {

struct Header {
  std::string name;
  std::string value;
};

// What a successful response must be; anything else is an error result.
enum class Expect {
  anything,
  json,          // Content-Type application/json and a body that parses
  event_stream,  // Content-Type text/event-stream
};

// Every wait of a request is bounded by one of these.
struct Timeouts {
  std::chrono::milliseconds connect{5'000};
  // Longest silence while waiting for the response head or the next bytes of
  // the body: catches slow headers and stalled streams.
  std::chrono::milliseconds idle{30'000};
  // From the scheduled send time to the end of the response, retries included.
  std::chrono::milliseconds total{120'000};
};

struct Request {
  using Clock = std::chrono::steady_clock;

  std::string method = "GET";
  std::string target = "/";
  std::vector<Header> headers;
  std::string body;  // sent as application/json unless `headers` name a Content-Type
  Expect expect = Expect::anything;

  // For event streams: the event that ends a complete stream, e.g. data
  // "[DONE]". A stream that ends without one is truncated. Unset: the end of
  // the body ends the stream, but not in the middle of an event.
  std::function<bool(const SseEvent&)> is_final_event;
  // Runs on the client thread as each event arrives (events are also kept on
  // the response); must not block.
  std::function<void(const SseEvent&)> on_event;
  // For bodies that are not event streams but still arrive piece by piece
  // (Ollama's NDJSON): runs on the client thread with each piece as it is
  // read, so a caller can stamp lines; the body is still kept. Must not block.
  std::function<void(std::string_view bytes, Clock::time_point arrived)> on_body_bytes;

  // Latency is measured from here (docs/MEASURING.md, "Scheduled send"); the client waits until
  // then to send. The epoch (the default) means "now".
  Clock::time_point scheduled_send{};
  Timeouts timeouts;
  CancellationToken cancellation;
};

Request get(std::string target);
Request post_json(std::string target, std::string json_body);
// A POST whose answer is an event stream ending with `data: [DONE]`, the
// framing of OpenAI-compatible servers and of sbench-server.
Request post_json_stream(std::string target, std::string json_body);
bool is_done_marker(const SseEvent& event);

}  // namespace sbench::http
