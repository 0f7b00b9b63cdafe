#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "job/run_plan.hpp"
#include "providers/provider.hpp"

namespace sbench::runner {

class ResultStore;
class Progress;

struct ProviderActivity {
  std::string provider;
  double backoff_s = 0;  // paused by the provider's Retry-After or counters
  double serving_s = 0;  // with at least one request in flight
  double final_window = 0;
  std::size_t peak_in_flight = 0;
};

struct SchedulerOutcome {
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::size_t retries = 0;           // after failures: spend the job's retry budget
  std::size_t throttle_retries = 0;  // after 429/503: bounded per run instead
  bool interrupted = false;
  bool retry_budget_exhausted = false;
  std::vector<std::string> fatal_messages;  // one per provider that gave up
  std::vector<ProviderActivity> providers;
};

// Runs the plan's runs that need running, across every provider at once
// (docs/RUNNER.md, "Scheduling"): one thread dispatches whatever each
// provider's governor admits, keeps every model of a scenario going at the
// same time, retries within the budgets and commits each finished run.
class Scheduler {
 public:
  Scheduler(const RunPlan& plan, std::vector<std::unique_ptr<Provider>>& providers,
            ResultStore& store, std::string job_id, Progress& progress);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs these plan.runs indices; returns when all have finished or failed,
  // or soon after `stop` turns true or a store write fails (runs in flight
  // are abandoned and redone by the next start).
  SchedulerOutcome run(const std::vector<std::size_t>& runs, const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a run is charged against a TPM limit before its usage is known: the
// prompt at about four bytes a token, plus every token it may generate.
double estimated_tokens(const Scenario& scenario);

}  // namespace sbench::runner
