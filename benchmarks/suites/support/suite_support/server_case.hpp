#pragma once

#include <sbench/case.hpp>

#include "suite_support/case_session.hpp"
#include "suite_support/suite_sizes.hpp"

// A server-facing case of the suites: it times only the operation it measures
// (state.SetIterationTime) over the configured number of iterations.
//   SUITE_SERVER_CASE(cache_load_time, "benchmark", "cache").arg(...).run(...);
#define SUITE_SERVER_CASE(name, ...) \
  SBENCH_CASE(name)                  \
      .markers({__VA_ARGS__})        \
      .manual_time()                 \
      .sizes({"warmup_requests"})    \
      .iterations("iterations")
