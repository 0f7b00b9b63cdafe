#pragma once

#include <benchmark/benchmark.h>

#include "sbench/suite.hpp"

namespace sbench::detail {

// Passes every report on to the display reporter (so --benchmark_format still
// works), keeps the runs, which decide the exit code, and shows the outcome so
// far to the hooks' case observers.
class OutcomeRecorder : public benchmark::BenchmarkReporter {
 public:
  OutcomeRecorder(benchmark::BenchmarkReporter& display, SuiteOutcome& outcome,
                  const std::vector<CaseObserver>& observers)
      : display_(display), outcome_(outcome), observers_(observers) {}

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  benchmark::BenchmarkReporter& display_;
  SuiteOutcome& outcome_;
  const std::vector<CaseObserver>& observers_;
};

}  // namespace sbench::detail
