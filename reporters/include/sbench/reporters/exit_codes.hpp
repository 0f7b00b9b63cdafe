#pragma once

namespace sbench::reporters {

// Exit codes of suites and of `sbench`, shared so that CI reads them the same
// way whichever ran (docs/RESULTS.md).
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;  // a case errored, or results could not be written
inline constexpr int exit_usage = 2;  // bad command line, config or targets file
inline constexpr int exit_target_missed = 3;
inline constexpr int exit_nothing_ran = 5;
inline constexpr int exit_all_skipped = 77;

}  // namespace sbench::reporters
