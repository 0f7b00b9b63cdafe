#include "cache_request.hpp"

#include <chrono>

namespace sbench::detail {

CacheAnswer send_cache_request(ServerConnection& server, const http::Request& request,
                               CacheAction action) {
  const http::Response response = server.send(request);
  CacheAnswer answer;
  answer.result.action = action;
  answer.result.client_ms =
      std::chrono::duration<double, std::milli>(response.timing.latency()).count();
  if (!response.ok())
    answer.result.error = describe_failure(request, response);
  else
    answer.body = parse_body(response);
  return answer;
}

}  // namespace sbench::detail
