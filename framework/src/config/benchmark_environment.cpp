#include <string_view>

#include "sbench/config.hpp"

extern char** environ;

namespace sbench {

std::map<std::string, std::string> benchmark_environment() {
  constexpr std::string_view prefix = "SEMANTIC_BENCHMARK_";
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view assignment(*entry);
    const auto equals = assignment.find('=');
    if (equals == std::string_view::npos)
      continue;
    const std::string_view name = assignment.substr(0, equals);
    if (!name.starts_with(prefix) && name != "CI")
      continue;
    variables.emplace(assignment.substr(0, equals), assignment.substr(equals + 1));
  }
  return variables;
}

}  // namespace sbench
