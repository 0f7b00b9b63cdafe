#pragma once

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::reporters {

// `sbench compare` exits with this when a counter regressed beyond a --fail
// limit (0: none did; 2: bad input or usage).
inline constexpr int kExitRegression = 4;

// Which way a counter gets better, from its name: rates and speedups up,
// times, sizes, percentages and slopes down. Unknown counters are reported
// but never count as a regression.
enum class BetterDirection { higher, lower, unknown };
BetterDirection better_direction(std::string_view counter);

// A statistic over a case's repetitions (one repetition: all equal its value).
enum class Statistic { mean, median, min, max };
inline constexpr std::array kStatistics = {Statistic::mean, Statistic::median, Statistic::min,
                                           Statistic::max};
std::string_view to_string(Statistic statistic);

// `--fail mean:5%`: fail when a counter got worse by more than 5% on its mean.
struct FailRule {
  Statistic statistic = Statistic::mean;
  double percent = 0;
};

// Parses "stat:X%" (the % sign is optional). Throws std::invalid_argument
// naming the spec and what was wrong.
FailRule parse_fail_rule(std::string_view spec);

// The significance level of the two-sided Welch's t-test.
inline constexpr double kSignificanceLevel = 0.05;

// Welch's t-test needs a spread on each side: fewer repetitions is "n/a".
inline constexpr std::size_t kMinRepetitionsForSignificance = 3;

// One counter (or real_time, in milliseconds) of a case present in both runs.
struct CounterChange {
  std::string counter;
  BetterDirection direction = BetterDirection::unknown;
  std::vector<double> base;  // one value per repetition
  std::vector<double> next;
  std::optional<double> p_value;  // two-sided Welch's t-test; none below 3 repetitions a side

  double statistic(Statistic which, bool of_next) const;
  // (next - base) / |base| in percent; none when the base is 0.
  std::optional<double> change_percent(Statistic which) const;
  // How much worse in percent (positive: worse); none for unknown direction.
  std::optional<double> worsening_percent(Statistic which) const;
  bool significant() const { return p_value && *p_value < kSignificanceLevel; }
};

// A case instance present in both runs. Counters are compared only when it
// measured (status "ok") in both.
struct CaseChange {
  std::string suite;
  std::string instance;
  std::string base_status;
  std::string next_status;
  std::vector<CounterChange> counters;
};

struct Comparison {
  std::vector<CaseChange> cases;     // in the base run's order
  std::vector<std::string> added;    // instances only in the new run
  std::vector<std::string> removed;  // instances only in the base run
};

// Both documents are results documents (see read_results_document).
Comparison compare_results(const nlohmann::json& base, const nlohmann::json& next);

struct Regression {
  std::string instance;
  std::string counter;
  FailRule rule;
  double worsening_percent = 0;
};

// Every (counter, rule) pair where the counter got worse by more than the rule allows.
std::vector<Regression> find_regressions(const Comparison& comparison,
                                         const std::vector<FailRule>& rules);

// A fixed-width text table, then added/removed cases and the regressions.
std::string comparison_table(const Comparison& comparison,
                             const std::vector<Regression>& regressions);

// The same for machines.
nlohmann::json comparison_json(const Comparison& comparison,
                               const std::vector<Regression>& regressions);

}  // namespace sbench::reporters
