#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

[[noreturn]] void bad_rule(std::string_view spec, const std::string& why) {
  throw std::invalid_argument("bad --fail \"" + std::string(spec) + "\": " + why +
                              " (expected STAT:PERCENT%, STAT one of mean, median, min, max, "
                              "e.g. mean:5%)");
}

}  // namespace

std::string_view to_string(Statistic statistic) {
  switch (statistic) {
    case Statistic::mean:
      return "mean";
    case Statistic::median:
      return "median";
    case Statistic::min:
      return "min";
    case Statistic::max:
      return "max";
  }
  return "mean";
}

FailRule parse_fail_rule(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos)
    bad_rule(spec, "no ':'");
  const std::string_view name = spec.substr(0, colon);
  std::string_view percent = spec.substr(colon + 1);
  FailRule rule;
  bool known = false;
  for (const Statistic statistic : kStatistics) {
    if (to_string(statistic) == name) {
      rule.statistic = statistic;
      known = true;
    }
  }
  if (!known)
    bad_rule(spec, "unknown statistic \"" + std::string(name) + "\"");
  if (percent.ends_with('%'))
    percent.remove_suffix(1);
  const auto [end, error] =
      std::from_chars(percent.data(), percent.data() + percent.size(), rule.percent);
  if (percent.empty() || error != std::errc() || end != percent.data() + percent.size())
    bad_rule(spec, "\"" + std::string(percent) + "\" is not a number");
  if (!std::isfinite(rule.percent) || rule.percent < 0)
    bad_rule(spec, "the percentage must be a finite number >= 0");
  return rule;
}

}  // namespace sbench::reporters
