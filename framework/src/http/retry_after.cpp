#include "retry_after.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <string>

namespace sbench::http {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::optional<std::chrono::milliseconds> parse_delay_seconds(std::string_view text) {
  if (text.empty() || !std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  long long seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // The three forms RFC 9110 5.6.7 requires recipients to accept, all GMT.
  static constexpr const char* kFormats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
      "%a %b %e %H:%M:%S %Y",       // asctime:     Sun Nov  6 08:49:37 1994
  };
  const std::string value(text);
  for (const char* format : kFormats) {
    std::tm parts{};
    const char* end = strptime(value.c_str(), format, &parts);
    if (end != nullptr && *end == '\0')
      return std::chrono::system_clock::from_time_t(timegm(&parts));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trimmed(value);
  if (auto delay = parse_delay_seconds(value))
    return delay;
  const auto date = parse_http_date(value);
  if (!date)
    return std::nullopt;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*date - now);
  return std::max(wait, std::chrono::milliseconds{0});
}

}  // namespace sbench::http
