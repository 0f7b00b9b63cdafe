#include "streamed_tokens.hpp"

namespace sbench::detail {

void StreamedTokens::add_stated(Clock::time_point arrived, std::size_t tokens) {
  chunks_.push_back({arrived, tokens});
  running_total_ += tokens;
}

void StreamedTokens::add_running_total(Clock::time_point arrived, std::size_t total) {
  // A total that goes down is the server's error; it adds no token.
  const std::size_t added = total > running_total_ ? total - running_total_ : 0;
  add_stated(arrived, added);
}

void StreamedTokens::add_unstated(Clock::time_point arrived, std::string_view generated_text) {
  if (generated_text.empty()) {
    chunks_.push_back({arrived, 0});
    return;
  }
  source_ = stats::TokenCountSource::chunks_estimated;
  add_stated(arrived, 1);
}

}  // namespace sbench::detail
