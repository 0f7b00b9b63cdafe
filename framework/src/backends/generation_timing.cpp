#include "generation_timing.hpp"

#include "server_connection.hpp"

namespace sbench::detail {

void schedule_call(http::Request& call, const GenerateRequest& request) {
  call.scheduled_send = request.scheduled;
  if (request.timeout.count() > 0) {
    call.timeouts.idle = request.timeout;
    call.timeouts.total = request.timeout;
  }
}

std::optional<GenerateResult> failed_generation(const http::Request& call,
                                                const http::Response& response) {
  if (response.ok())
    return std::nullopt;
  GenerateResult result;
  result.error = describe_failure(call, response);
  result.request_timing = response.timing;
  return result;
}

void time_generation(GenerateResult& result, const http::Response& response,
                     const StreamedTokens* stream) {
  result.request_timing = response.timing;
  std::optional<std::size_t> completion_tokens;
  if (result.usage)
    completion_tokens = result.usage->completion_tokens;
  std::optional<stats::TokenCountSource> source;
  std::span<const stats::TokenChunk> chunks;
  if (stream) {
    source = stream->source();
    chunks = stream->chunks();
  }
  result.token_timing = stats::time_tokens(response.timing.scheduled, chunks, response.timing.done,
                                           completion_tokens, source);
}

}  // namespace sbench::detail
