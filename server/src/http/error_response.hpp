#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "http_types.hpp"
#include "sbench/server/engine_error.hpp"

namespace sbench::server::http {

// Thrown by routes for a problem with the request; the router turns it into
// the JSON error response.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

int status_for(EngineError::Kind kind);

// {"error":{"status":N,"code":"not_found","message":"..."}}: the body of every
// error response and of the error event that ends a failed stream.
nlohmann::json error_body(int status, const std::string& message);
HttpResponse error_response(int status, const std::string& message);
HttpResponse error_response(const EngineError& error);

}  // namespace sbench::server::http
