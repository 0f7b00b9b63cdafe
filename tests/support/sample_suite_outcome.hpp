#pragma once

#include <benchmark/benchmark.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sbench/suite.hpp"

namespace sbench::reporters::testing {

using Run = benchmark::BenchmarkReporter::Run;

// A Google Benchmark run as the reporter sees it: `milliseconds` per
// iteration over `iterations`, counters already final.
inline Run iteration_run(const std::string& name, const std::string& args, double milliseconds,
                         std::map<std::string, double> counters,
                         benchmark::IterationCount iterations = 5) {
  Run run;
  run.run_name.function_name = name;
  run.run_name.args = args;
  run.run_name.time_type = "manual_time";
  run.iterations = iterations;
  run.time_unit = benchmark::kMillisecond;
  run.real_accumulated_time = milliseconds / 1000.0 * static_cast<double>(iterations);
  run.cpu_accumulated_time = run.real_accumulated_time / 10;
  for (const auto& [counter, value] : counters)
    run.counters[counter] = benchmark::Counter(value);
  return run;
}

inline Run aggregate_run(Run run, const std::string& aggregate) {
  run.run_type = Run::RT_Aggregate;
  run.aggregate_name = aggregate;
  if (aggregate == "cv") {
    run.aggregate_unit = benchmark::kPercentage;
    run.real_accumulated_time = 0.5;  // a ratio, not seconds
  }
  return run;
}

inline Run failed_run(const std::string& name, const std::string& message) {
  Run run = iteration_run(name, "", 0, {});
  run.error_occurred = true;
  run.error_message = message;
  return run;
}

// An outcome with the kinds of cases a suite produces; the definitions must
// outlive it.
struct SampleOutcome {
  explicit SampleOutcome(const Config& config) {
    load.name = "cache_load_time";
    load.markers = {"benchmark", "cache"};
    outcome.config = &config;
    outcome.cases = {&load};
    // Three repetitions far apart (a high CV), then the aggregates.
    for (double ms : {10.0, 20.0, 30.0})
      outcome.runs.push_back(
          iteration_run("cache_load_time", "tokens:2000", ms, {{"load_ms", ms}}));
    for (const char* aggregate : {"mean", "median", "stddev", "cv"})
      outcome.runs.push_back(aggregate_run(
          iteration_run("cache_load_time", "tokens:2000", 20, {{"load_ms", 20}}), aggregate));
    outcome.runs.push_back(failed_run("memory_leak_check", "skipped: backend has no stats"));
    outcome.runs.push_back(failed_run("broken_case", "server died"));
    outcome.runs.push_back(
        iteration_run("nan_case", "", 1, {{"ratio", std::numeric_limits<double>::quiet_NaN()}}, 1));
    outcome.measured = 4;
    outcome.skipped = 1;
    outcome.errored = 1;
  }
  CaseDefinition load;
  SuiteOutcome outcome;
};

}  // namespace sbench::reporters::testing
