#pragma once

#include <string>
#include <vector>

#include "sbench/case.hpp"

namespace sbench::detail {

// "instance<TAB>marker,marker" for every Google Benchmark instance of the
// registered cases, named exactly as --benchmark_filter sees them. Needs
// Google Benchmark initialised with --benchmark_list_tests=true.
std::vector<std::string> list_case_instances(const std::vector<const CaseDefinition*>& cases);

}  // namespace sbench::detail
