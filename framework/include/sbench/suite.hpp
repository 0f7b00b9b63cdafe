#pragma once

#include <benchmark/benchmark.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sbench/case.hpp"
#include "sbench/config.hpp"
#include "sbench/measurement_checks.hpp"

namespace sbench {

// What one run of a suite produced: the input of the results reporter and
// the target checker.
struct SuiteOutcome {
  const Config* config = nullptr;
  std::vector<const CaseDefinition*> cases;  // those the marker expression selected
  std::vector<benchmark::BenchmarkReporter::Run> runs;
  // Cross-checks of each instance (by run name: "case/arg:1/..."), all its
  // repetitions together.
  std::map<std::string, MeasurementChecks> checks;
  int measured = 0;  // runs that completed
  int skipped = 0;
  int errored = 0;
};

// Runs after the benchmarks; a non-zero return (e.g. a missed target) becomes
// the exit code unless a case error already set one.
using SuiteFinisher = std::function<int(const SuiteOutcome&)>;

// Runs each time Google Benchmark reports an instance (its runs, then its
// aggregates when repeated), with the outcome so far: what a suite killed
// before its finishers keeps. Must not throw.
using CaseObserver = std::function<void(const SuiteOutcome&)>;

struct SuiteHooks {
  std::vector<CaseObserver> after_each_case;
  std::vector<SuiteFinisher> finishers;
};

// The whole main() of a suite executable: reads the config, selects cases by
// marker expression, runs them through Google Benchmark (every flag that is
// not ours goes to it) and decides the exit code:
//   0 all good, 1 a case errored, 2 bad command line or config,
//   5 no case ran, 77 every case that ran was skipped (CTest's skip code).
int run_suite(int argc, char** argv, const SuiteHooks& hooks = {});

// What the build knows about the project a suite executable belongs to.
// sbench_add_suite() generates a source file that registers it before main(),
// so the library itself bakes in no path: a suite run from anywhere finds its
// own project's sbench.toml and the sbench-server that project built or
// found, installed or not.
struct SuiteBuildInfo {
  // Read when no sbench.toml is found from the working directory up.
  std::filesystem::path config_file;
  // What a bare `sbench-server` in server.command runs; empty: PATH decides.
  std::filesystem::path server_binary;
  std::string build_type;  // CMAKE_BUILD_TYPE of the suite, for the results' context
};

// Returns true, so it can initialise a namespace-scope constant.
bool register_suite_build_info(SuiteBuildInfo info);
const SuiteBuildInfo& suite_build_info();

}  // namespace sbench

#define SBENCH_SUITE_MAIN()                 \
  int main(int argc, char** argv) {         \
    return ::sbench::run_suite(argc, argv); \
  }
