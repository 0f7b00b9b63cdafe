#pragma once

#include <benchmark/benchmark.h>

#include "sbench/suite.hpp"

namespace sbench::detail {

// Passes every report on to the display reporter (so --benchmark_format still
// works) and keeps the runs, which decide the exit code.
class OutcomeRecorder : public benchmark::BenchmarkReporter {
 public:
  OutcomeRecorder(benchmark::BenchmarkReporter& display, SuiteOutcome& outcome)
      : display_(display), outcome_(outcome) {}

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  benchmark::BenchmarkReporter& display_;
  SuiteOutcome& outcome_;
};

}  // namespace sbench::detail
