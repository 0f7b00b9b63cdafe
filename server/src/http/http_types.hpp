#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sbench::server::http {

class GenerationReply;

// A request as the routes see it: no Beast types, so routes compile fast and
// can be reasoned about without the transport.
struct HttpRequest {
  std::string method;
  std::string target;  // path and query, still percent-encoded
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set when the answer comes later from the engine (a generation); the
  // connection then takes status and body from it instead.
  std::shared_ptr<GenerationReply> generation;
};

}  // namespace sbench::server::http
