#pragma once

#include <string>

#include "sbench/http/endpoint.hpp"

namespace sbench::runner {

// An http:// base URL split into where to connect and the path the server's
// API is mounted under (e.g. /api); "localhost" becomes 127.0.0.1 so that
// traffic stays on IPv4 loopback.
struct BaseUrl {
  http::Endpoint endpoint;
  std::string prefix;
};

// Throws InputError naming `what` (e.g. "provider local") on a URL that is
// not http://host[:port][/path].
BaseUrl parse_base_url(const std::string& url, const std::string& what);

}  // namespace sbench::runner
