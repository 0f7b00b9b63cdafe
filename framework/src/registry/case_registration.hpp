#pragma once

#include <vector>

#include "sbench/case.hpp"

namespace sbench {

// Throws if a case is unusable: a duplicate or malformed name, no body, a
// marker that is not declared in the config, or a size it names (axes,
// iterations, .sizes) that the config does not define.
void validate_cases(const std::vector<CaseDefinition>& cases, const Config& config);

// Registers with Google Benchmark each case `selection` selects, its axes
// expanded with `config`'s sizes; returns those cases. `cases` and
// `fixtures` must outlive the benchmark run.
std::vector<const CaseDefinition*> register_selected_cases(const std::vector<CaseDefinition>& cases,
                                                           const MarkerExpression& selection,
                                                           const Config& config,
                                                           Fixtures& fixtures);

// Runs the body, turning a Skip into a skip and any other exception into a
// case error, so one failing case never ends the suite.
void run_case(const CaseDefinition& definition, benchmark::State& state, Fixtures& fixtures);

}  // namespace sbench
