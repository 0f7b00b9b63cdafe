#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "sbench/config.hpp"
#include "sbench/reporters/target_evaluation.hpp"

namespace sbench::reporters {

struct ResultsUpdate {
  int parts_used = 0;  // 0: nothing was written
  nlohmann::json document;
  std::optional<TargetSet> targets;  // config.run.targets, when set
  std::optional<TargetReport> report;
};

// Merges the parts of config.run.output into it and checks the targets of
// config.run.targets on the merged document, storing the verdicts in it.
// Holds a lock on the parts directory meanwhile, so suites finishing together
// never write a merge that misses one of them. Throws ResultsError (writing)
// and TargetsError (a bad targets file).
ResultsUpdate update_results(const Config& config, std::ostream& warnings);

// Checks a targets file against an existing results document, storing the
// verdicts in it. Throws TargetsError.
ResultsUpdate check_targets(nlohmann::json document, const std::filesystem::path& targets_file);

}  // namespace sbench::reporters
