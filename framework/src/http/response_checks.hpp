#pragma once

#include "sbench/http/request.hpp"
#include "sbench/http/response.hpp"

namespace sbench::http {

// How the body of a received response ended.
struct BodyEnding {
  bool final_event_seen = false;
  bool cut_mid_event = false;
};

// Turns a response that arrived whole into an error when it is not what the
// request expects: an error status, the wrong content type, JSON that does
// not parse, a truncated event stream. Also reads Retry-After. Leaves an
// earlier (transport) error as it is.
void check_response(const Request& request, const BodyEnding& ending, Response& response);

bool is_event_stream(const Response& response);

}  // namespace sbench::http
