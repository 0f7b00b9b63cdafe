#include <algorithm>

#include "sbench/exit_codes.hpp"
#include "sbench/reporters/target_evaluation.hpp"

namespace sbench::reporters {
namespace {

bool args_match(const Target& target, const nlohmann::json& case_entry) {
  const nlohmann::json& args = case_entry.value("args", nlohmann::json::object());
  return std::all_of(target.args.begin(), target.args.end(), [&](const auto& axis) {
    const auto found = args.find(axis.first);
    return found != args.end() && found->is_number_integer() &&
           found->template get<std::int64_t>() == axis.second;
  });
}

bool meets(Comparison op, double value, double threshold) {
  switch (op) {
    case Comparison::less:
      return value < threshold;
    case Comparison::less_equal:
      return value <= threshold;
    case Comparison::greater:
      return value > threshold;
    case Comparison::greater_equal:
      return value >= threshold;
  }
  return false;
}

std::optional<Band> band_of(const Bands& bands, double value) {
  if (bands.empty())
    return std::nullopt;
  if ((bands.poor_below && value < *bands.poor_below) ||
      (bands.poor_above && value > *bands.poor_above))
    return Band::poor;
  const bool has_good = bands.good_min || bands.good_max;
  if (has_good && (!bands.good_min || value >= *bands.good_min) &&
      (!bands.good_max || value <= *bands.good_max))
    return Band::good;
  return Band::fair;
}

// A case that did not run cleanly, or lacks the counter, measured nothing.
std::optional<double> measured_value(const Target& target, const nlohmann::json& case_entry) {
  if (case_entry.value("status", "") != "ok")
    return std::nullopt;
  const nlohmann::json& counters = case_entry.value("counters", nlohmann::json::object());
  const auto found = counters.find(target.counter);
  if (found == counters.end() || !found->is_number())
    return std::nullopt;
  return found->get<double>();
}

TargetResult result_for(const Target& target, const nlohmann::json& case_entry) {
  TargetResult result;
  result.target = &target;
  result.instance = case_entry.value("instance", "");
  result.value = measured_value(target, case_entry);
  if (!result.value)
    return result;
  result.band = band_of(target.bands, *result.value);
  // A band-only entry has no threshold: only a poor value misses.
  const bool met =
      target.op ? meets(*target.op, *result.value, target.threshold) : result.band != Band::poor;
  result.verdict = met ? Verdict::pass : Verdict::miss;
  return result;
}

}  // namespace

int TargetReport::count(Verdict verdict) const {
  return static_cast<int>(std::count_if(
      results.begin(), results.end(), [&](const TargetResult& r) { return r.verdict == verdict; }));
}

TargetReport evaluate_targets(const TargetSet& set, const nlohmann::json& results) {
  TargetReport report;
  report.set = &set;
  const nlohmann::json& cases = results.value("cases", nlohmann::json::array());
  for (const Target& target : set.targets) {
    bool any = false;
    for (const nlohmann::json& case_entry : cases) {
      if (case_entry.value("case", "") != target.case_name || !args_match(target, case_entry))
        continue;
      report.results.push_back(result_for(target, case_entry));
      any = true;
    }
    if (!any) {
      TargetResult unmeasured;
      unmeasured.target = &target;
      report.results.push_back(unmeasured);
    }
  }
  return report;
}

TargetReport restricted_to_cases(const TargetReport& report, const std::set<std::string>& cases) {
  TargetReport restricted;
  restricted.set = report.set;
  std::copy_if(
      report.results.begin(), report.results.end(), std::back_inserter(restricted.results),
      [&](const TargetResult& result) { return cases.contains(result.target->case_name); });
  return restricted;
}

std::string_view to_string(Comparison op) {
  switch (op) {
    case Comparison::less:
      return "<";
    case Comparison::less_equal:
      return "<=";
    case Comparison::greater:
      return ">";
    case Comparison::greater_equal:
      return ">=";
  }
  return "?";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::miss:
      return "miss";
    case Verdict::not_measured:
      return "not_measured";
  }
  return "?";
}

std::string_view to_string(Band band) {
  switch (band) {
    case Band::good:
      return "good";
    case Band::fair:
      return "fair";
    case Band::poor:
      return "poor";
  }
  return "?";
}

int target_exit_code(const TargetReport& report, bool fail_on_target_miss) {
  return fail_on_target_miss && report.missed() ? exit_target_missed : exit_ok;
}

}  // namespace sbench::reporters
