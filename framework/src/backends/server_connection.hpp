#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sbench/backend.hpp"
#include "sbench/http/client.hpp"

namespace sbench::detail {

// The backends' way to the server: the framework's HTTP client plus the
// liveness check, run when a request got no HTTP answer at all, so that a
// dead server surfaces as "the server died" rather than "connection refused".
class ServerConnection {
 public:
  explicit ServerConnection(BackendTarget target) : target_(std::move(target)) {}

  http::Response send(http::Request request);

 private:
  BackendTarget target_;
  http::Client client_;
};

// "HTTP 404: {...}" or the transport error, naming the request.
std::string describe_failure(const http::Request& request, const http::Response& response);

// The body as JSON; a discarded value when it is not JSON.
nlohmann::json parse_body(const http::Response& response);

std::string agent_path(const std::string& agent);

}  // namespace sbench::detail
