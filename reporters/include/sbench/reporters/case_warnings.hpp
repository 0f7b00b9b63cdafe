#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

namespace sbench::reporters {

// Prints every warning of a results document's cases (failed cross-checks,
// high CV, non-finite numbers), one line each under the case's instance, so a
// wrong number is never only in the JSON. Prints nothing when there is none.
void print_case_warnings(std::ostream& out, const nlohmann::json& cases);

}  // namespace sbench::reporters
