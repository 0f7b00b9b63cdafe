#include "response_checks.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>

#include "retry_after.hpp"

namespace sbench::http {
namespace {

constexpr std::size_t kBodyExcerpt = 200;

// Compares the media type only: "text/event-stream; charset=utf-8" is a stream.
bool has_media_type(const Response& response, std::string_view media_type) {
  const std::string* value = response.header("Content-Type");
  if (value == nullptr || value->size() < media_type.size())
    return false;
  const bool same_prefix =
      std::equal(media_type.begin(), media_type.end(), value->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return same_prefix && (value->size() == media_type.size() || (*value)[media_type.size()] == ';' ||
                         (*value)[media_type.size()] == ' ');
}

Error status_error(const Response& response) {
  const std::string message =
      "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, kBodyExcerpt);
  switch (response.status) {
    case 429:
      return {ErrorKind::rate_limited, message};
    case 503:
      return {ErrorKind::unavailable, message};
    default:
      return {ErrorKind::http_status, message};
  }
}

Error content_error(const Request& request, const BodyEnding& ending, const Response& response) {
  const std::string* type = response.header("Content-Type");
  const std::string got = type ? *type : "none";
  if (request.expect == Expect::json && !has_media_type(response, "application/json"))
    return {ErrorKind::wrong_content_type, "expected application/json, got " + got};
  if (request.expect == Expect::event_stream && !is_event_stream(response))
    return {ErrorKind::wrong_content_type, "expected text/event-stream, got " + got};
  if (request.expect == Expect::json && !nlohmann::json::accept(response.body))
    return {ErrorKind::invalid_json, "body is not JSON: " + response.body.substr(0, kBodyExcerpt)};
  if (is_event_stream(response)) {
    if (ending.cut_mid_event)
      return {ErrorKind::truncated_stream, "stream ended in the middle of an event"};
    if (request.is_final_event && !ending.final_event_seen)
      return {ErrorKind::truncated_stream, "stream ended without its final event after " +
                                               std::to_string(response.events.size()) + " events"};
  }
  return {};
}

}  // namespace

bool is_event_stream(const Response& response) {
  return has_media_type(response, "text/event-stream");
}

void check_response(const Request& request, const BodyEnding& ending, Response& response) {
  if (const std::string* retry_after = response.header("Retry-After"))
    response.retry_after = parse_retry_after(*retry_after, std::chrono::system_clock::now());
  if (!response.ok())
    return;
  response.error =
      response.status >= 400 ? status_error(response) : content_error(request, ending, response);
}

}  // namespace sbench::http
