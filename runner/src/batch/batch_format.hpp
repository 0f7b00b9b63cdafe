#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// The OpenAI Batch API file format, so that a job moves between the user's
// own server and a hosted batch API unchanged: input lines in, output and
// error lines out.
namespace sbench::runner {

// Longer lines are refused before parsing, so one bad line cannot make the
// reader hold a huge document.
constexpr std::size_t kMaxBatchLineBytes = 8 * 1024 * 1024;
constexpr std::size_t kMaxCustomIdBytes = 512;
// Deeper JSON is refused (or, in a response, kept as a string): dumping and
// copying nlohmann::json recurse, and a line of 8 MiB of '[' would overflow
// the stack.
constexpr int kMaxJsonDepth = 512;

// What a line of a batch input file asks for.
struct BatchRequest {
  std::string custom_id;
  std::string method;   // "POST"
  std::string url;      // one that is_supported_batch_url accepts
  nlohmann::json body;  // an object
};

// Why a line cannot be sent; it goes to the error file and the job goes on.
struct LineProblem {
  std::string custom_id;  // when a valid one could be read, else empty
  // "invalid_json", "missing_custom_id", "invalid_custom_id", "invalid_method",
  // "invalid_url", "invalid_body" or "line_too_long".
  std::string code;
  std::string message;  // "line 17: body must be a JSON object, got array"
};

using ParsedLine = std::variant<BatchRequest, LineProblem>;

// `line` without its '\n'; a trailing '\r' is allowed. `line_number` counts
// from 1 and only goes into messages.
ParsedLine parse_batch_line(std::string_view line, std::size_t line_number);

// Empty or only whitespace: skipped, not an error.
bool is_blank_line(std::string_view line);

// OpenAI's batch endpoints that an LLM server serves: /v1/chat/completions,
// /v1/completions and /v1/embeddings, exactly (no query, no host).
bool is_supported_batch_url(std::string_view url);

// Output-file and error-file lines, each one line ending in '\n'.
// `request_id` is what the server gave (x-request-id) or one the caller made
// up. `response_body` goes in as JSON when it parses as JSON, else as a
// string; bytes that are not UTF-8 become U+FFFD rather than an exception.
std::string output_line(const std::string& batch_request_id, const std::string& custom_id,
                        int status_code, const std::string& request_id,
                        std::string_view response_body);
// "response" is null when there was no HTTP response (`status_code` empty);
// `request_id` and `response_body` are then not used.
std::string error_line(const std::string& batch_request_id, const std::string& custom_id,
                       const std::string& code, const std::string& message,
                       std::optional<int> status_code, const std::string& request_id,
                       std::string_view response_body);

// The custom_id of a complete output or error line (without its '\n'), to
// find the requests already answered after a crash; nullopt for anything
// else, such as a line cut short by the crash. Lines for input lines whose
// custom_id could not be read give "".
std::optional<std::string> custom_id_of_output_line(std::string_view line);

}  // namespace sbench::runner
