#include "server_connection.hpp"

namespace sbench::detail {

http::Response ServerConnection::send(http::Request request) {
  http::Response response = client_.send(target_.endpoint, std::move(request));
  if (!response.ok() && response.status == 0 && target_.check_alive)
    target_.check_alive();
  return response;
}

std::string describe_failure(const http::Request& request, const http::Response& response) {
  return request.method + " " + request.target + ": " +
         (response.error.message.empty() ? std::string(to_string(response.error.kind))
                                         : response.error.message);
}

nlohmann::json parse_body(const http::Response& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

std::string agent_path(const std::string& agent) {
  return "/v1/agents/" + agent;
}

}  // namespace sbench::detail
