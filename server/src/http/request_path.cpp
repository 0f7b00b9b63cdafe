#include "request_path.hpp"

#include "error_response.hpp"

namespace sbench::server::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view segment) {
  std::string decoded;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      decoded += segment[i];
      continue;
    }
    const int high = i + 2 < segment.size() ? hex_value(segment[i + 1]) : -1;
    const int low = i + 2 < segment.size() ? hex_value(segment[i + 2]) : -1;
    if (high < 0 || low < 0)
      throw HttpError(400, "bad percent-encoding in the request path");
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

}  // namespace

std::vector<std::string> path_segments(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/')
    throw HttpError(400, "the request target must be an absolute path");
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    std::string segment = percent_decode(path.substr(start, end - start));
    if (segment == "." || segment == "..")
      throw HttpError(400, "the request path must not contain '.' or '..' segments");
    // "/v1/agents//save" names no agent; read as "/v1/agents/save" it would
    // reach another route. Only "/" itself is an empty path.
    if (segment.empty() && path.size() > 1)
      throw HttpError(404, "no route for " + std::string(path) + ": it has an empty segment");
    if (!segment.empty())
      segments.push_back(std::move(segment));
    start = end + 1;
  }
  return segments;
}

}  // namespace sbench::server::http
