#pragma once

#include <string>

#include "sbench/suite.hpp"

namespace sbench::reporters {

// The results hooks of a suite executable. After every case, this
// invocation's part file is rewritten (its suite's exit_code null: not
// finished) and all parts re-merged into config.run.output, so a suite killed
// mid-run keeps every case that ended before; a refresh that fails is warned
// about once and the run goes on. The finisher writes the part a last time
// with the exit code, re-merges, writes the reports when config.run.report is
// set, prints the target table for this suite's cases and returns
// exit_target_missed on a miss when config.run.fail_on_target_miss is set. A
// file it cannot write is an error (exit_error) naming the path; the
// benchmark output already printed stays.
SuiteHooks results_hooks(std::string suite_name);

}  // namespace sbench::reporters
