#include "sse_events.hpp"

#include <stdexcept>

namespace sbench::test {

std::vector<std::string> sse_data(const std::string& body) {
  static const std::string kPrefix = "data: ";
  static const std::string kEnd = "\n\n";
  std::vector<std::string> events;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = body.find(kEnd, start);
    if (end == std::string::npos)
      throw std::runtime_error("unterminated SSE event at byte " + std::to_string(start));
    const std::string event = body.substr(start, end - start);
    if (event.rfind(kPrefix, 0) != 0 || event.find('\n') != std::string::npos)
      throw std::runtime_error("not a single data line: '" + event + "'");
    events.push_back(event.substr(kPrefix.size()));
    start = end + kEnd.size();
  }
  return events;
}

}  // namespace sbench::test
