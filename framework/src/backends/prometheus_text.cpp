#include "prometheus_text.hpp"

#include <cstdlib>
#include <string>

namespace sbench::detail {

std::map<std::string, double> parse_prometheus_text(std::string_view text) {
  std::map<std::string, double> samples;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#')
      continue;
    const std::size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos)
      continue;
    // Label values may hold spaces; the value follows the closing brace.
    const std::size_t labels_end = line[name_end] == '{' ? line.find('}', name_end) : name_end;
    if (labels_end == std::string::npos)
      continue;
    const char* value_start = line.c_str() + labels_end + 1;
    char* value_end = nullptr;
    const double value = std::strtod(value_start, &value_end);
    if (value_end != value_start)
      samples.emplace(line.substr(0, name_end), value);
  }
  return samples;
}

}  // namespace sbench::detail
