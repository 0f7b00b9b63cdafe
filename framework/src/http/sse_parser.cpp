#include "sbench/http/sse.hpp"

namespace sbench::http {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

void SseParser::feed(std::string_view bytes, std::chrono::steady_clock::time_point arrived,
                     std::vector<SseEvent>& out) {
  std::size_t next = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes.front() == '\n')
      next = 1;
  }
  while (next < bytes.size()) {
    std::size_t end = bytes.find_first_of("\r\n", next);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(next));
      return;
    }
    line_.append(bytes.substr(next, end - next));
    if (bytes[end] == '\r') {
      if (end + 1 == bytes.size())
        after_cr_ = true;
      else if (bytes[end + 1] == '\n')
        ++end;
    }
    next = end + 1;
    take_line(arrived, out);
  }
}

void SseParser::take_line(std::chrono::steady_clock::time_point arrived,
                          std::vector<SseEvent>& out) {
  std::string_view line = line_;
  if (at_stream_start_) {
    at_stream_start_ = false;
    if (line.starts_with(kByteOrderMark))
      line.remove_prefix(kByteOrderMark.size());
  }
  if (line.empty()) {
    // The spec drops an event without data, but its `event:` ends with it.
    if (!data_.empty()) {
      data_.pop_back();  // the '\n' after the last data line
      out.push_back(
          SseEvent{type_.empty() ? "message" : type_, std::move(data_), last_id_, arrived});
    }
    type_.clear();
    data_.clear();
    has_fields_ = false;
  } else if (line.front() != ':') {
    const std::size_t colon = line.find(':');
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (value.starts_with(' '))
        value.remove_prefix(1);
    }
    take_field(line.substr(0, colon), value);
  }
  line_.clear();
}

void SseParser::take_field(std::string_view name, std::string_view value) {
  if (name == "data") {
    data_.append(value);
    data_.push_back('\n');
    has_fields_ = true;
  } else if (name == "event") {
    type_ = value;
    has_fields_ = true;
  } else if (name == "id" && value.find('\0') == std::string_view::npos) {
    last_id_ = value;
  }
}

}  // namespace sbench::http
