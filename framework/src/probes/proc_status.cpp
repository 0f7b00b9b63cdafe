#include "proc_status.hpp"

#include <charconv>

namespace sbench::detail {

std::optional<std::uint64_t> proc_status_kilobytes(std::string_view status, std::string_view name) {
  std::size_t line_start = 0;
  while (line_start < status.size()) {
    const std::size_t line_end = std::min(status.find('\n', line_start), status.size());
    const std::string_view line = status.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':')
      continue;
    std::string_view value = line.substr(name.size() + 1);
    value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
    std::uint64_t kilobytes = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), kilobytes);
    if (error != std::errc{} || std::string_view(end, value.data() + value.size()) != " kB")
      return std::nullopt;
    return kilobytes * 1024;
  }
  return std::nullopt;
}

}  // namespace sbench::detail
