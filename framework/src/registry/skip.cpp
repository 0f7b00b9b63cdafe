#include <string>

#include "sbench/case.hpp"

namespace sbench {
namespace {

constexpr std::string_view skip_prefix = "skipped: ";

}  // namespace

void skip(benchmark::State& state, std::string_view reason) {
  const std::string message = std::string(skip_prefix) + std::string(reason);
  state.SkipWithError(message.c_str());
}

std::optional<std::string_view> skip_reason(const benchmark::BenchmarkReporter::Run& run) {
  const std::string_view message = run.error_message;
  if (!run.error_occurred || !message.starts_with(skip_prefix))
    return std::nullopt;
  return message.substr(skip_prefix.size());
}

}  // namespace sbench
