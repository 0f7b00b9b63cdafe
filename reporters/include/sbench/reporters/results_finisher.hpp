#pragma once

#include <string>

#include "sbench/suite.hpp"

namespace sbench::reporters {

// The finisher of a suite executable: writes this invocation's part file,
// re-merges all parts into config.run.output, prints the target table for
// this suite's cases and returns exit_target_missed on a miss when
// config.run.fail_on_target_miss is set. A file it cannot write is an error
// (exit_error) naming the path; the benchmark output already printed stays.
SuiteFinisher results_finisher(std::string suite_name);

}  // namespace sbench::reporters
