#pragma once

namespace sbench::detail {

inline constexpr int exit_ok = 0;
inline constexpr int exit_case_errored = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_nothing_ran = 5;   // pytest's "no tests collected"
inline constexpr int exit_all_skipped = 77;  // SKIP_RETURN_CODE of the CTest tests

}  // namespace sbench::detail
