#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sbench/suite.hpp"

namespace sbench::reporters::detail {

// One "cases" entry per Google Benchmark instance the outcome holds, with its
// repetitions, aggregates, headline counters and warnings.
nlohmann::json case_entries(const SuiteOutcome& outcome, const std::string& suite);

}  // namespace sbench::reporters::detail
