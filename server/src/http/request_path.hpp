#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbench::server::http {

// The percent-decoded segments of a request target's path (the query is
// ignored). Throws HttpError 400 on bad percent-encoding and on "." or ".."
// segments, encoded or not: no path ever reaches the cache directory through
// an agent id; and 404 on an empty segment ("a//b", a trailing "/").
std::vector<std::string> path_segments(std::string_view target);

}  // namespace sbench::server::http
