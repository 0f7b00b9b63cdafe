#include "router.hpp"

#include <iostream>

#include "error_response.hpp"
#include "request_path.hpp"

namespace sbench::server::http {
namespace {

bool is_parameter(const std::string& pattern_segment) {
  return pattern_segment.size() > 2 && pattern_segment.front() == '{' &&
         pattern_segment.back() == '}';
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
             std::vector<std::string>& params) {
  if (pattern.size() != segments.size())
    return false;
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_parameter(pattern[i]))
      params.push_back(segments[i]);
    else if (pattern[i] != segments[i])
      return false;
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  std::string pattern_path(pattern);
  routes_.push_back({std::move(method), path_segments(pattern_path), std::move(handler)});
}

HttpResponse Router::handle(const HttpRequest& request) const {
  try {
    return dispatch(request);
  } catch (const HttpError& error) {
    return error_response(error.status(), error.what());
  } catch (const EngineError& error) {
    return error_response(error);
  } catch (const std::exception& error) {
    std::cerr << "sbench-server: " << request.method << ' ' << request.target
              << " failed: " << error.what() << '\n';
    return error_response(500, std::string("internal error: ") + error.what());
  } catch (...) {
    return error_response(500, "internal error");
  }
}

HttpResponse Router::dispatch(const HttpRequest& request) const {
  const std::vector<std::string> segments = path_segments(request.target);
  std::vector<std::string> params;
  std::string allowed;
  for (const Route& route : routes_) {
    if (!matches(route.pattern, segments, params))
      continue;
    if (route.method == request.method)
      return route.handler(request, params);
    allowed += (allowed.empty() ? "" : ", ") + route.method;
  }
  if (allowed.empty())
    throw HttpError(404, "no route for " + request.target);
  HttpResponse response =
      error_response(405, "method " + request.method + " is not allowed here; use " + allowed);
  response.headers.emplace_back("Allow", allowed);
  return response;
}

}  // namespace sbench::server::http
