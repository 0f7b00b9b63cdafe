#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sbench/reporters/targets.hpp"

namespace sbench::reporters {

enum class Verdict { pass, miss, not_measured };
enum class Band { good, fair, poor };

// One target checked against one case instance (or against nothing, when no
// instance of its case was measured).
struct TargetResult {
  const Target* target = nullptr;  // points into the TargetSet evaluated
  std::optional<std::string> instance;
  std::optional<double> value;
  Verdict verdict = Verdict::not_measured;
  std::optional<Band> band;
};

struct TargetReport {
  const TargetSet* set = nullptr;
  std::vector<TargetResult> results;

  int count(Verdict verdict) const;
  bool missed() const { return count(Verdict::miss) > 0; }
};

// Checks every target against the cases of a results document (the shape of
// docs/results.schema.json). A target without args yields one result per
// instance of its case.
TargetReport evaluate_targets(const TargetSet& set, const nlohmann::json& results);

// The results whose case is one of `cases`, e.g. those a suite ran.
TargetReport restricted_to_cases(const TargetReport& report, const std::set<std::string>& cases);

// The document's "targets" object.
nlohmann::json to_json(const TargetReport& report);

std::string_view to_string(Comparison op);
std::string_view to_string(Verdict verdict);
std::string_view to_string(Band band);

// exit_target_missed when a target was missed and the run was asked to fail
// on that, else exit_ok.
int target_exit_code(const TargetReport& report, bool fail_on_target_miss);

}  // namespace sbench::reporters
