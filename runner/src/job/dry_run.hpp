#pragma once

#include <ostream>

#include "job/job_setup.hpp"
#include "sbench/runner/runner.hpp"

namespace sbench::runner {

// The matrix, the predicted store hits, the tokens and the ETA from the
// limits and past latencies; sends nothing.
void print_dry_run(const JobSetup& setup, const RunOptions& options, std::ostream& out);

}  // namespace sbench::runner
