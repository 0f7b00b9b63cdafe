#include <array>

#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {

BetterDirection better_direction(std::string_view counter) {
  // Rates first: "save_mb_per_s" is a rate, not a size.
  constexpr std::array kHigher = {"per_s", "speedup", "per_sec", "tokens_per"};
  constexpr std::array kLower = {"_ms", "_sec", "_mb", "_gb", "_pct", "slope", "real_time"};
  for (const std::string_view part : kHigher) {
    if (counter.find(part) != std::string_view::npos)
      return BetterDirection::higher;
  }
  for (const std::string_view part : kLower) {
    if (counter.find(part) != std::string_view::npos)
      return BetterDirection::lower;
  }
  return BetterDirection::unknown;
}

}  // namespace sbench::reporters
