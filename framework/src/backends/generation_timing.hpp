#pragma once

#include <optional>

#include "sbench/generation.hpp"
#include "sbench/http/request.hpp"
#include "sbench/http/response.hpp"
#include "streamed_tokens.hpp"

namespace sbench::detail {

// The request's schedule and timeout on the HTTP call that carries it.
void schedule_call(http::Request& call, const GenerateRequest& request);

// The result of a generation whose call got no usable answer (the error
// says why), or nullopt when the response is fine to parse.
std::optional<GenerateResult> failed_generation(const http::Request& call,
                                                const http::Response& response);

// Fills the result's request and token timing from the response and, for a
// stream, its counted tokens (nullptr for a non-streamed answer); the token
// count comes from the usage when the server gave one (docs/MEASURING.md,
// "Token counts").
void time_generation(GenerateResult& result, const http::Response& response,
                     const StreamedTokens* stream);

}  // namespace sbench::detail
