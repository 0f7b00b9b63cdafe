#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace sbench::http {

// The wait a Retry-After header asks for (RFC 9110 10.2.3): delay-seconds, or
// an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime forms)
// taken relative to `now`. A date in the past is no wait; nonsense is nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace sbench::http
