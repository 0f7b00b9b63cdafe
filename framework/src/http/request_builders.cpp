#include "sbench/http/request.hpp"

namespace sbench::http {

Request get(std::string target) {
  Request request;
  request.target = std::move(target);
  return request;
}

Request post_json(std::string target, std::string json_body) {
  Request request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(json_body);
  request.expect = Expect::json;
  return request;
}

Request post_json_stream(std::string target, std::string json_body) {
  Request request = post_json(std::move(target), std::move(json_body));
  request.expect = Expect::event_stream;
  request.headers.push_back({"Accept", "text/event-stream"});
  request.is_final_event = is_done_marker;
  return request;
}

bool is_done_marker(const SseEvent& event) {
  return event.data == "[DONE]";
}

}  // namespace sbench::http
