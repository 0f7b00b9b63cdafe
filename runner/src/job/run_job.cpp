// `sbench run`: prepare, serve what the store already has, schedule the
// rest, report.
#include <iostream>
#include <set>

#include "config/toml_json.hpp"
#include "job/command_errors.hpp"
#include "job/dry_run.hpp"
#include "job/job_setup.hpp"
#include "job/stop_on_signals.hpp"
#include "report/progress.hpp"
#include "report/run_report.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/process_probe.hpp"
#include "sbench/runner/runner.hpp"
#include "schedule/scheduler.hpp"

namespace sbench::runner {
namespace {

std::string new_job_id(const std::string& plan_sha256) {
  return plan_sha256.substr(0, 12) + "-" + std::to_string(unix_ms_now());
}

int exit_code_for(const nlohmann::json& results, bool interrupted) {
  if (interrupted)
    return kExitInterrupted;
  const nlohmann::json& totals = results["totals"];
  if (totals["failed"].get<std::size_t>() > 0)
    return exit_error;
  for (const nlohmann::json& model : results["models"]) {
    if (model["checks"]["failed"].get<std::size_t>() > 0)
      return exit_target_missed;
  }
  return exit_ok;
}

int run_job(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  SetupRequest request{
      options.config, options.store,
      options.output, {options.models, options.scenarios},
      options.shard,  options.dry_run ? IdentitySource::last_seen : IdentitySource::ask};
  std::unique_ptr<JobSetup> setup = prepare_job(request);
  const RunPlan& plan = setup->plan;
  ResultStore& store = *setup->store;
  if (options.dry_run) {
    print_dry_run(*setup, options, out);
    return exit_ok;
  }
  if (plan.runs.empty()) {
    err << "sbench run: nothing to run (no scenario x model matches the filters and shard)\n";
    return exit_nothing_ran;
  }

  std::optional<std::string> job_id;
  if (!options.fresh)
    job_id = store.unfinished_job(plan.plan_sha256);
  const bool resumed = job_id.has_value();
  if (!job_id) {
    job_id = new_job_id(plan.plan_sha256);
    store.start_job(*job_id, plan.plan_sha256, options.config.string());
  }
  std::set<std::string> already;
  for (const ResultSummary& result : store.job_results(*job_id))
    already.insert(result.run_key);

  Progress progress(err, options.progress, options.progress_interval);
  std::vector<std::size_t> to_run;
  std::size_t served = 0;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
    if (already.count(run.key) != 0)
      continue;
    if (const std::optional<StoredStandIn> stand_in =
            stored_stand_in(plan, store, run, options.use_cache, options.incremental)) {
      store.count_result(*job_id, run.key, stand_in->result_key, stand_in->source);
      ++served;
      continue;
    }
    to_run.push_back(i);
  }
  store.flush();
  out << "sbench run: job " << *job_id << (resumed ? " (resumed)" : "") << ": " << plan.runs.size()
      << " runs; " << already.size() << " finished earlier, " << served << " from the store, "
      << to_run.size() << " to run\n"
      << std::flush;

  SchedulerOutcome outcome;
  {
    StopOnSignals signals;
    progress.start(plan.runs.size(), already.size());
    progress.served_from_store(served);
    Scheduler scheduler(plan, setup->providers, store, *job_id, progress);
    try {
      outcome = scheduler.run(to_run, signals.stop_requested());
    } catch (...) {
      // Nothing may call into the scheduler once it is gone; what was
      // committed stays, and the next start resumes the job.
      setup->stop_providers();
      try {
        store.flush();
      } catch (const std::exception&) {
        // The error being thrown is the one to report.
      }
      throw;
    }
    setup->stop_providers();
    store.flush();
    progress.finish();
  }
  for (const std::string& message : outcome.fatal_messages)
    err << "sbench run: " << message << "\n";

  JobTiming timing;
  timing.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (const MemoryReading own = read_own_memory(); own.available())
    timing.peak_rss_bytes = own.memory->peak_rss_bytes;
  timing.planned_runs = plan.runs.size();
  timing.scheduler = outcome;
  const nlohmann::json results = build_run_results(store, {*job_id}, timing);
  if (!outcome.interrupted)
    store.finish_job(*job_id, json_text(results["totals"]));
  if (setup->config.job.report) {
    for (const std::filesystem::path& path : write_run_reports(results, setup->config.job.output))
      out << "wrote " << path.string() << "\n";
  }
  out << summary_text(results);
  if (outcome.interrupted)
    err << "sbench run: interrupted; run the same command again to finish job " << *job_id << "\n";
  return exit_code_for(results, outcome.interrupted);
}

}  // namespace

int run(const RunOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench run", err, [&] { return run_job(options, out, err); });
}

}  // namespace sbench::runner
