#pragma once

#include <cstdint>
#include <string>

namespace sbench::http {

// Where requests go. Connections are pooled per endpoint.
struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;

  std::string key() const { return host + ":" + std::to_string(port); }
};

}  // namespace sbench::http
