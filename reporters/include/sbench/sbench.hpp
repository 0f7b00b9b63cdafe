#pragma once

// Everything a suite author uses, in one include. It lives with the reporters
// because it includes them: the umbrella sits at the top of the libraries.
//
//   #include <sbench/sbench.hpp>
//
//   SBENCH_CASE(decode_tokens_per_second)
//       .markers({"benchmark"})
//       .run([](benchmark::State& state, sbench::ServerFixture& server) { ... });
//
//   SBENCH_BENCHMARK_SUITE_MAIN()   // results file, targets; or SBENCH_SUITE_MAIN()
//
// Cases and markers (case.hpp), settings and sizes (config.hpp, sizes.hpp),
// fixtures and the server under test (fixtures.hpp, server_fixture.hpp), the
// server APIs (backend.hpp, generation.hpp), statistics (stats/), process
// probes, exit codes and the suite mains. Fixtures and backends of one's own
// that speak HTTP include the client themselves: <sbench/http/client.hpp>.
#include "sbench/agent_cache.hpp"
#include "sbench/backend.hpp"
#include "sbench/backend_capability.hpp"
#include "sbench/case.hpp"
#include "sbench/config.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/fixtures.hpp"
#include "sbench/generation.hpp"
#include "sbench/process_probe.hpp"
#include "sbench/reporters/benchmark_suite_main.hpp"
#include "sbench/server_fixture.hpp"
#include "sbench/server_memory_stats.hpp"
#include "sbench/sizes.hpp"
#include "sbench/stats/client_lag.hpp"
#include "sbench/stats/steady_state.hpp"
#include "sbench/stats/summary.hpp"
#include "sbench/stats/token_timing.hpp"
#include "sbench/suite.hpp"
