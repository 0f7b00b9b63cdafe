#pragma once

namespace sbench {

// Exit codes of suite executables and of `sbench`, one set so that CI reads
// them the same way whichever ran (docs/RESULTS.md).
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;  // a case errored, or results could not be written
inline constexpr int exit_usage = 2;  // bad command line, config or targets file
inline constexpr int exit_target_missed = 3;
inline constexpr int exit_nothing_ran = 5;   // pytest's "no tests collected"
inline constexpr int exit_all_skipped = 77;  // SKIP_RETURN_CODE of the CTest tests

}  // namespace sbench
