#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace sbench::server::http {

// Maps method + path to a handler. Patterns are paths whose "{name}"
// segments match any one segment; the matched segments are passed to the
// handler in order, percent-decoded.
class Router {
 public:
  using Handler =
      std::function<HttpResponse(const HttpRequest&, const std::vector<std::string>& params)>;

  void add(std::string method, std::string_view pattern, Handler handler);

  // Never throws: an unknown path is 404, a known path with another method
  // 405 with Allow, and whatever a handler throws becomes a JSON error.
  HttpResponse handle(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> pattern;
    Handler handler;
  };

  HttpResponse dispatch(const HttpRequest& request) const;

  std::vector<Route> routes_;
};

}  // namespace sbench::server::http
