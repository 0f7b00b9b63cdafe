#pragma once

#include <nlohmann/json.hpp>

namespace sbench::reporters::detail {

// Sets a "suites" entry's measured/skipped/errored: how many of `cases`
// (entries of any suite) that belong to it ended ok, skipped or in error.
void count_case_statuses(nlohmann::json& suite, const nlohmann::json& cases);

// The run's cross-checks (docs/MEASURING.md, "Cross-checks"): the cases'
// "checks" added up, and every case whose checks failed.
nlohmann::json checks_summary(const nlohmann::json& cases);

}  // namespace sbench::reporters::detail
