// Server-sent events as a server (or a proxy between) may send them, to the
// client's incremental parser (sbench/http/sse.hpp). The input is the
// stream; its bytes also choose where the stream is cut into reads.
// Property: the events do not depend on where the reads end (a CR at the
// end of one read and the LF at the start of the next are one line break),
// and no event carries a line break the format does not allow.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sbench/http/sse.hpp"
#include "support/fuzz_check.hpp"

namespace {

using sbench::fuzz::require;
using sbench::http::SseEvent;
using sbench::http::SseParser;

std::vector<SseEvent> parse_in_pieces(std::string_view stream, std::size_t seed) {
  SseParser parser;
  std::vector<SseEvent> events;
  const std::chrono::steady_clock::time_point now{};
  std::size_t step = seed;
  while (!stream.empty()) {
    step = step * 1103515245u + 12345u;  // a cheap deterministic cut sequence
    const std::size_t piece = std::min<std::size_t>(1 + (step >> 16) % 17, stream.size());
    parser.feed(stream.substr(0, piece), now, events);
    stream.remove_prefix(piece);
  }
  return events;
}

bool same(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type || a[i].data != b[i].data || a[i].id != b[i].id)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  SseParser whole;
  std::vector<SseEvent> events;
  whole.feed(stream, {}, events);
  for (const SseEvent& event : events) {
    require(event.type.find_first_of("\r\n") == std::string_view::npos, "a line break in a type");
    require(event.id.find_first_of("\r\n") == std::string_view::npos, "a line break in an id");
    require(event.data.find('\r') == std::string_view::npos, "a CR in data");
  }
  require(same(events, parse_in_pieces(stream, size)), "events depend on where reads end");
  return 0;
}
