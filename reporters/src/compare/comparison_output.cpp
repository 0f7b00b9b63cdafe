#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "report/number_format.hpp"
#include "sbench/reporters/compare.hpp"

namespace sbench::reporters {
namespace {

using detail::format_number;
using nlohmann::json;

std::string percent_text(const std::optional<double>& percent) {
  if (!percent)
    return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", *percent);
  return text;
}

std::string_view direction_name(BetterDirection direction) {
  switch (direction) {
    case BetterDirection::higher:
      return "higher";
    case BetterDirection::lower:
      return "lower";
    case BetterDirection::unknown:
      return "unknown";
  }
  return "unknown";
}

// better / worse / same on the mean; "changed" when the direction is unknown.
std::string assessment(const CounterChange& counter) {
  const std::optional<double> worse = counter.worsening_percent(Statistic::mean);
  if (!worse) {
    const std::optional<double> change = counter.change_percent(Statistic::mean);
    return change && *change == 0 ? "same" : "changed";
  }
  if (*worse == 0)
    return "same";
  return *worse > 0 ? "worse" : "better";
}

std::string significance(const CounterChange& counter) {
  if (!counter.p_value)
    return "n/a";
  char text[48];
  std::snprintf(text, sizeof text, "%s (p=%.3g)",
                counter.significant() ? "significant" : "not significant", *counter.p_value);
  return text;
}

// Left-aligned columns, two spaces apart.
std::string align(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += row[c] + std::string(c + 1 < row.size() ? widths[c] - row[c].size() + 2 : 0, ' ');
    text += line + "\n";
  }
  return text;
}

json summary_json(const CounterChange& counter, bool of_next) {
  json summary = {{"values", of_next ? counter.next : counter.base}};
  for (const Statistic statistic : kStatistics) {
    const double value = counter.statistic(statistic, of_next);
    summary[std::string(to_string(statistic))] = std::isfinite(value) ? json(value) : json();
  }
  return summary;
}

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json();
}

}  // namespace

std::string comparison_table(const Comparison& comparison,
                             const std::vector<Regression>& regressions) {
  std::vector<std::vector<std::string>> rows = {
      {"case / counter", "better", "base mean", "new mean", "change", "verdict", "significance"}};
  for (const CaseChange& change : comparison.cases) {
    if (change.base_status != "ok" || change.next_status != "ok") {
      rows.push_back({change.instance + "  (not compared: base " + change.base_status + ", new " +
                      change.next_status + ")"});
      continue;
    }
    rows.push_back({change.instance});
    for (const CounterChange& counter : change.counters) {
      rows.push_back({"  " + counter.counter, std::string(direction_name(counter.direction)),
                      format_number(counter.statistic(Statistic::mean, false)),
                      format_number(counter.statistic(Statistic::mean, true)),
                      percent_text(counter.change_percent(Statistic::mean)), assessment(counter),
                      significance(counter)});
    }
  }
  std::string text = align(rows);
  const auto list = [&text](const char* title, const std::vector<std::string>& instances) {
    if (instances.empty())
      return;
    text += std::string("\n") + title + ":\n";
    for (const std::string& instance : instances)
      text += "  " + instance + "\n";
  };
  list("Added (only in the new run)", comparison.added);
  list("Removed (only in the base run)", comparison.removed);
  if (!regressions.empty()) {
    text += "\nRegressions beyond --fail limits:\n";
    for (const Regression& regression : regressions) {
      char limit[96];
      std::snprintf(limit, sizeof limit, "%s %.1f%% worse (limit %s%%)",
                    std::string(to_string(regression.rule.statistic)).c_str(),
                    regression.worsening_percent, format_number(regression.rule.percent).c_str());
      text += "  " + regression.instance + " " + regression.counter + ": " + limit + "\n";
    }
  }
  return text;
}

json comparison_json(const Comparison& comparison, const std::vector<Regression>& regressions) {
  json cases = json::array();
  for (const CaseChange& change : comparison.cases) {
    json counters = json::array();
    for (const CounterChange& counter : change.counters) {
      json percent = json::object();
      for (const Statistic statistic : kStatistics)
        percent[std::string(to_string(statistic))] =
            optional_json(counter.change_percent(statistic));
      counters.push_back({{"counter", counter.counter},
                          {"better", direction_name(counter.direction)},
                          {"base", summary_json(counter, false)},
                          {"new", summary_json(counter, true)},
                          {"change_percent", percent},
                          {"verdict", assessment(counter)},
                          {"p_value", optional_json(counter.p_value)},
                          {"significant", counter.p_value ? json(counter.significant()) : json()}});
    }
    cases.push_back({{"suite", change.suite},
                     {"instance", change.instance},
                     {"base_status", change.base_status},
                     {"new_status", change.next_status},
                     {"counters", counters}});
  }
  json failed = json::array();
  for (const Regression& regression : regressions) {
    failed.push_back({{"instance", regression.instance},
                      {"counter", regression.counter},
                      {"statistic", to_string(regression.rule.statistic)},
                      {"limit_percent", regression.rule.percent},
                      {"worsening_percent", regression.worsening_percent}});
  }
  return {{"cases", cases},
          {"added", comparison.added},
          {"removed", comparison.removed},
          {"regressions", failed}};
}

}  // namespace sbench::reporters
