#pragma once

#include <nlohmann/json.hpp>

namespace sbench::reporters::detail {

// Sets a "suites" entry's measured/skipped/errored: how many of `cases`
// (entries of any suite) that belong to it ended ok, skipped or in error.
void count_case_statuses(nlohmann::json& suite, const nlohmann::json& cases);

}  // namespace sbench::reporters::detail
