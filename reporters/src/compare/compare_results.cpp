#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "compare/welch_t_test.hpp"
#include "report/results_fields.hpp"
#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

using detail::array_at;
using detail::number_at;
using detail::object_at;
using detail::text_at;
using nlohmann::json;

constexpr const char* kRealTime = "real_time";

// Milliseconds per unit of Google Benchmark's time_unit, so runs with
// different units still compare.
double milliseconds_per(const std::string& time_unit) {
  if (time_unit == "ns")
    return 1e-6;
  if (time_unit == "us")
    return 1e-3;
  if (time_unit == "s")
    return 1e3;
  return 1;
}

// One value per repetition; a document without repetitions has its headline value.
std::vector<double> values_of(const json& test_case, const std::string& counter) {
  std::vector<double> values;
  const double scale = milliseconds_per(text_at(test_case, "time_unit"));
  for (const json& repetition : array_at(test_case, "repetitions")) {
    const std::optional<double> value = counter == kRealTime
                                            ? number_at(repetition, kRealTime)
                                            : number_at(object_at(repetition, "counters"), counter);
    if (value)
      values.push_back(counter == kRealTime ? *value * scale : *value);
  }
  if (values.empty() && counter != kRealTime) {
    if (const auto headline = number_at(object_at(test_case, "counters"), counter))
      values.push_back(*headline);
  }
  return values;
}

std::set<std::string> counter_names(const json& test_case) {
  std::set<std::string> names;
  for (const auto& [name, value] : object_at(test_case, "counters").items())
    names.insert(name);
  for (const json& repetition : array_at(test_case, "repetitions")) {
    for (const auto& [name, value] : object_at(repetition, "counters").items())
      names.insert(name);
  }
  return names;
}

std::vector<CounterChange> compare_counters(const json& base, const json& next) {
  std::vector<std::string> names;
  for (const std::string& name : counter_names(base))
    names.push_back(name);
  names.push_back(kRealTime);
  std::vector<CounterChange> changes;
  for (const std::string& name : names) {
    CounterChange change{name, better_direction(name), values_of(base, name), values_of(next, name),
                         std::nullopt};
    if (change.base.empty() || change.next.empty())
      continue;
    if (change.base.size() >= kMinRepetitionsForSignificance &&
        change.next.size() >= kMinRepetitionsForSignificance)
      change.p_value = detail::welch_t_test_p_value(change.base, change.next);
    changes.push_back(std::move(change));
  }
  return changes;
}

// Cases by instance name; the first wins if a document repeats one.
std::map<std::string, const json*> by_instance(const json& results) {
  std::map<std::string, const json*> cases;
  for (const json& test_case : array_at(results, "cases"))
    cases.emplace(text_at(test_case, "instance"), &test_case);
  return cases;
}

}  // namespace

Comparison compare_results(const json& base, const json& next) {
  const std::map<std::string, const json*> next_cases = by_instance(next);
  const std::map<std::string, const json*> base_cases = by_instance(base);
  Comparison comparison;
  std::set<std::string> seen;
  for (const json& base_case : array_at(base, "cases")) {
    const std::string instance = text_at(base_case, "instance");
    if (!seen.insert(instance).second)
      continue;
    const auto found = next_cases.find(instance);
    if (found == next_cases.end()) {
      comparison.removed.push_back(instance);
      continue;
    }
    const json& next_case = *found->second;
    CaseChange change{text_at(base_case, "suite"),
                      instance,
                      text_at(base_case, "status"),
                      text_at(next_case, "status"),
                      {}};
    if (change.base_status == "ok" && change.next_status == "ok")
      change.counters = compare_counters(base_case, next_case);
    comparison.cases.push_back(std::move(change));
  }
  for (const json& next_case : array_at(next, "cases")) {
    const std::string instance = text_at(next_case, "instance");
    if (!base_cases.contains(instance) && seen.insert(instance).second)
      comparison.added.push_back(instance);
  }
  return comparison;
}

std::vector<Regression> find_regressions(const Comparison& comparison,
                                         const std::vector<FailRule>& rules) {
  std::vector<Regression> regressions;
  for (const CaseChange& change : comparison.cases) {
    for (const CounterChange& counter : change.counters) {
      for (const FailRule& rule : rules) {
        const std::optional<double> worse = counter.worsening_percent(rule.statistic);
        if (worse && *worse > rule.percent)
          regressions.push_back({change.instance, counter.counter, rule, *worse});
      }
    }
  }
  return regressions;
}

}  // namespace sbench::reporters
