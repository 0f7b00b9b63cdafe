#include "generation_timing.hpp"

namespace sbench::detail {

void time_generation(GenerateResult& result, const http::Response& response,
                     std::span<const stats::TokenChunk> chunks) {
  result.request_timing = response.timing;
  std::optional<std::size_t> completion_tokens;
  if (result.usage)
    completion_tokens = result.usage->completion_tokens;
  result.token_timing = stats::time_tokens(response.timing.scheduled, chunks, response.timing.done,
                                           completion_tokens);
}

}  // namespace sbench::detail
