#include "outcome_recorder.hpp"

namespace sbench::detail {

bool OutcomeRecorder::ReportContext(const Context& context) {
  return display_.ReportContext(context);
}

void OutcomeRecorder::ReportRuns(const std::vector<Run>& runs) {
  // Google Benchmark reports an instance once all its repetitions ran, so
  // what the log holds now is this instance's.
  if (!runs.empty())
    outcome_.checks[runs.front().run_name.str()].add(measurement_log::take());
  for (const Run& run : runs) {
    outcome_.runs.push_back(run);
    if (run.run_type != Run::RT_Iteration)
      continue;  // aggregates repeat the same runs
    if (!run.error_occurred) {
      ++outcome_.measured;
    } else if (skip_reason(run)) {
      ++outcome_.skipped;
    } else {
      ++outcome_.errored;
    }
  }
  display_.ReportRuns(runs);
  for (const CaseObserver& observe : observers_)
    observe(outcome_);
}

void OutcomeRecorder::Finalize() {
  display_.Finalize();
}

}  // namespace sbench::detail
