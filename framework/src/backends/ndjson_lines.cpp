#include "ndjson_lines.hpp"

#include <utility>

namespace sbench::detail {

void NdjsonLines::finish(std::chrono::steady_clock::time_point arrived) {
  feed("\n", arrived);
}

void NdjsonLines::feed(std::string_view bytes, std::chrono::steady_clock::time_point arrived) {
  for (char byte : bytes) {
    if (byte != '\n') {
      partial_ += byte;
      continue;
    }
    if (!partial_.empty() && partial_.back() == '\r')
      partial_.pop_back();
    if (!partial_.empty())
      lines_.push_back({std::exchange(partial_, {}), arrived});
  }
}

}  // namespace sbench::detail
