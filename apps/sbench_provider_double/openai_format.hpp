#pragma once

// The OpenAI wire format the double speaks: completion requests in, answers
// and errors out.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "rate_limits.hpp"

namespace sbench::provider_double {

struct Reply {
  unsigned status = 200;
  Headers headers;
  std::string body;  // JSON
};

// Model names come from the command line unchecked: invalid UTF-8 in them
// becomes U+FFFD instead of making dump() throw.
std::string dump_json(const nlohmann::json& value);
Reply json_reply(unsigned status, const nlohmann::json& body);
// {"error":{"message","type","code"}}, which OpenAI clients parse.
Reply error_reply(unsigned status, const std::string& message, std::string_view type,
                  std::string_view code);

enum class Endpoint { kChatCompletions, kCompletions };

// What the double uses of a completion request. Other fields (temperature,
// seed, ...) are accepted and ignored, as they change nothing in the answer.
struct CompletionRequest {
  std::string model;
  std::int64_t prompt_tokens = 0;
  std::string echoed;  // the last user message, or the prompt
  std::int64_t max_tokens = 0;
  bool stream = false;         // answer as server-sent events
  bool include_usage = false;  // stream_options.include_usage: a last chunk with the usage
};

// The request, or the 400 saying why the body is not one.
std::variant<CompletionRequest, Reply> parse_completion_request(Endpoint endpoint,
                                                                std::string_view body);

// "<model> answers: <echoed>", cut to max_tokens: deterministic, so that a
// runner's checks of the answers can be tested against it.
struct Completion {
  std::string text;
  std::int64_t completion_tokens = 0;
};
Completion complete(const CompletionRequest& request);

nlohmann::json completion_body(Endpoint endpoint, std::int64_t id, std::int64_t created,
                               const CompletionRequest& request, const Completion& completion);

// `body` (a completion_body) as an OpenAI event stream: a chunk per token,
// a last chunk with the finish reason, the usage if asked, then [DONE].
Reply stream_reply(Endpoint endpoint, const nlohmann::json& body, const CompletionRequest& request);

// A rough but fixed rule (4 bytes a token), enough to charge token limits.
std::int64_t count_tokens(std::size_t bytes);

}  // namespace sbench::provider_double
