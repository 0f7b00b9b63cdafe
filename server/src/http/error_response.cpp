#include "error_response.hpp"

#include "json_io.hpp"

namespace sbench::server::http {
namespace {

// A stable machine-readable name per status, so clients need not parse messages.
const char* code_for(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 422:
      return "unprocessable_cache";
    case 429:
      return "capacity_exceeded";
    case 431:
      return "headers_too_large";
    case 503:
      return "shutting_down";
    default:
      return status >= 500 ? "internal_error" : "error";
  }
}

}  // namespace

int status_for(EngineError::Kind kind) {
  switch (kind) {
    case EngineError::Kind::kBadRequest:
      return 400;
    case EngineError::Kind::kNotFound:
      return 404;
    case EngineError::Kind::kConflict:
      return 409;
    case EngineError::Kind::kCorruptCache:
      return 422;
    case EngineError::Kind::kCapacity:
      return 429;
    case EngineError::Kind::kIo:
      return 500;
    case EngineError::Kind::kShuttingDown:
      return 503;
  }
  return 500;
}

nlohmann::json error_body(int status, const std::string& message) {
  return {{"error", {{"status", status}, {"code", code_for(status)}, {"message", message}}}};
}

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.body = dump_json(error_body(status, message));
  return response;
}

HttpResponse error_response(const EngineError& error) {
  return error_response(status_for(error.kind()), error.what());
}

}  // namespace sbench::server::http
