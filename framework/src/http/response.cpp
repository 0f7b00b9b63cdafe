#include "sbench/http/response.hpp"

#include <algorithm>
#include <cctype>

namespace sbench::http {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

}  // namespace

const std::string* Response::header(std::string_view name) const {
  const auto found = std::ranges::find_if(
      headers, [&](const Header& header) { return same_name(header.name, name); });
  return found == headers.end() ? nullptr : &found->value;
}

ErrorCounts count_errors(std::span<const Response> responses) {
  ErrorCounts counts;
  for (const Response& response : responses)
    counts.add(response.error.kind);
  return counts;
}

}  // namespace sbench::http
