#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sbench::runner {

class TableReader;

// A check on a model's answer (docs/RUNNER.md, "Checks"). Checks are part of
// the scenario's hash: changing one re-runs the scenario.
struct AnswerCheck {
  enum class Kind { contains, regex, json_keys, exact, number };
  Kind kind = Kind::contains;
  std::string text;               // contains, regex, exact
  std::vector<std::string> keys;  // json_keys: the answer parses as a JSON object with these
  double number = 0;              // number: the first number in the answer
  double tolerance = 0;

  nlohmann::json to_json() const;
};

AnswerCheck read_answer_check(const TableReader& table);

struct CheckOutcome {
  bool passed = true;
  std::vector<std::string> failures;  // one line per failed check
};

CheckOutcome run_checks(const std::vector<AnswerCheck>& checks, const std::string& answer);

}  // namespace sbench::runner
