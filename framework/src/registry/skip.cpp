#include <string>

#include "sbench/case.hpp"

namespace sbench {

void skip(benchmark::State& state, std::string_view reason) {
  const std::string message = std::string(skip_prefix) + std::string(reason);
  state.SkipWithError(message.c_str());
}

bool is_skip_message(std::string_view message) {
  return message.starts_with(skip_prefix);
}

}  // namespace sbench
