#include "server_connection.hpp"

#include "server_json.hpp"

namespace sbench::detail {

http::Response ServerConnection::send(http::Request request) {
  http::Response response = client_.send(target_.endpoint, std::move(request));
  if (!response.ok() && response.status == 0 && target_.check_alive)
    target_.check_alive();
  return response;
}

std::string describe_failure(const http::Request& request, const http::Response& response) {
  std::string description =
      request.method + " " + request.target + ": " +
      (response.error.message.empty() ? std::string(to_string(response.error.kind))
                                      : response.error.message);
  // An error answer of the wrong shape (a JSON error where a stream was
  // asked for, even with status 200) still says what went wrong.
  if (const std::string said = error_message(parse_body(response));
      !said.empty() && description.find(said) == std::string::npos)
    description += "; the server said: " + said;
  return description;
}

nlohmann::json parse_body(const http::Response& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

std::string agent_path(const std::string& agent) {
  return "/v1/agents/" + agent;
}

}  // namespace sbench::detail
