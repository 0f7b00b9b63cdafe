// `sbench batch`: OpenAI Batch-format jobs with exactly-once answers (docs/BATCH.md).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "load_options.hpp"
#include "sbench/runner/batch.hpp"

namespace sbench::cli {
namespace {

constexpr const char* kBatchDescription =
    R"(Run OpenAI Batch-format jobs (JSONL of custom_id, method, url, body) against your servers.

  sbench batch add requests.jsonl                 queue a job (custom_ids checked unique first)
  sbench batch run --endpoint http://127.0.0.1:8080 [--endpoint ...] [--workers N]
  sbench batch status                             done / failed / remaining, rate, ETA per job
  sbench batch cancel JOB
  sbench batch retry-failed JOB                   a new job of the failed requests
  sbench batch add requests.jsonl --shard 0/4     on machine 0 of 4, then
  sbench batch merge --into all.output.jsonl *.shard-*.output.jsonl

Every answer is on disk (the output or error line synced, then the queue's
index) before it counts: after SIGKILL, a reboot or a full disk, `sbench batch
run` resumes with no answer lost and none written twice. A bad line goes to the
error file and the job goes on; a dead server pauses its share of the job. Exit
codes: 0 done, 1 error, 2 bad input, 5 nothing to run, 130 interrupted. See
docs/BATCH.md.)";

struct BatchFlags {
  std::filesystem::path queue = ".sbench/batch";
  sbench::runner::BatchAddOptions add;
  sbench::runner::BatchRunOptions run;
  sbench::runner::BatchMergeOptions merge;
  LoadFlags load;
  std::string sweep_results;
  std::int64_t job = 0;
  double max_pause_s = 1800;
};

void add_queue(CLI::App& command, BatchFlags& flags) {
  command.add_option("--queue", flags.queue, "The queue's directory")->capture_default_str();
}

void install_run(CLI::App& batch, const std::shared_ptr<BatchFlags>& flags) {
  CLI::App* run = batch.add_subcommand("run", "Run the queued jobs in order");
  add_queue(*run, *flags);
  sbench::runner::BatchRunOptions& options = flags->run;
  run->add_option("--endpoint", options.endpoints,
                  "A server's base URL (repeat for several, e.g. one per GPU)")
      ->required();
  flags->load.add_target(*run, options.target, false);
  run->add_option("--workers", options.workers,
                  "Requests at once per endpoint (default: sweep/sweep_results.json's "
                  "recommendation, else 8)");
  run->add_option("--sweep-results", flags->sweep_results,
                  "Take the worker count from this sweep_results.json");
  run->add_option("--job", flags->job, "Only this job");
  run->add_option("--max-attempts", options.max_attempts,
                  "Tries for a request answered with a 5xx or timing out")
      ->capture_default_str();
  run->add_option("--max-pause", flags->max_pause_s,
                  "Seconds every endpoint may stay down before the run gives up (it resumes "
                  "when run again)")
      ->check(CLI::Range(1.0, 7.0 * 86'400))
      ->capture_default_str();
  flags->load.add_progress(*run);
  run->callback([flags] {
    sbench::runner::BatchRunOptions& options = flags->run;
    options.queue = flags->queue;
    flags->load.apply(options.target);
    options.progress = flags->load.display();
    options.progress_interval = flags->load.interval();
    if (!flags->sweep_results.empty())
      options.sweep_results = flags->sweep_results;
    if (flags->job > 0)
      options.job = flags->job;
    options.max_pause = std::chrono::seconds(static_cast<long long>(flags->max_pause_s));
    throw CLI::RuntimeError(sbench::runner::batch_run(options, std::cout, std::cerr));
  });
}

void install_job_command(CLI::App& batch, const std::shared_ptr<BatchFlags>& flags,
                         const char* name, const char* description,
                         int (*action)(const std::filesystem::path&, std::int64_t, std::ostream&,
                                       std::ostream&)) {
  CLI::App* command = batch.add_subcommand(name, description);
  add_queue(*command, *flags);
  command->add_option("job", flags->job, "The job's number (sbench batch status)")->required();
  command->callback([flags, action] {
    throw CLI::RuntimeError(action(flags->queue, flags->job, std::cout, std::cerr));
  });
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* batch = app.add_subcommand("batch", "OpenAI Batch-format jobs, exactly once");
  batch->description(kBatchDescription);
  batch->require_subcommand(1);
  auto flags = std::make_shared<BatchFlags>();

  CLI::App* add = batch->add_subcommand("add", "Queue JSONL files as jobs");
  add_queue(*add, *flags);
  add->add_option("files", flags->add.files, "OpenAI Batch input files")
      ->required()
      ->check(CLI::ExistingFile);
  add->add_option("--name", flags->add.name, "The job's name (one file only)");
  add->add_option("--output-dir", flags->add.output_dir, "Where the output and error files go")
      ->capture_default_str();
  add->add_option("--shard", flags->add.shard,
                  "K/N: only this shard's lines; env or env/N: K from JOB_COMPLETION_INDEX or "
                  "SLURM_ARRAY_TASK_ID");
  add->callback([flags] {
    flags->add.queue = flags->queue;
    throw CLI::RuntimeError(sbench::runner::batch_add(flags->add, std::cout, std::cerr));
  });

  install_run(*batch, flags);

  CLI::App* status = batch->add_subcommand("status", "Per job: done, failed, remaining, rate, ETA");
  add_queue(*status, *flags);
  status->callback([flags] {
    throw CLI::RuntimeError(sbench::runner::batch_status(flags->queue, std::cout, std::cerr));
  });

  install_job_command(*batch, flags, "cancel", "Stop a job; its answers so far are kept",
                      &sbench::runner::batch_cancel);
  install_job_command(*batch, flags, "retry-failed", "Queue a new job of a job's failed requests",
                      &sbench::runner::batch_retry_failed);

  CLI::App* merge = batch->add_subcommand("merge", "Join the shards' output (or error) files");
  merge->add_option("files", flags->merge.files, "The shards' files")
      ->required()
      ->check(CLI::ExistingFile);
  merge->add_option("--into", flags->merge.into, "The merged file")->required();
  merge->callback([flags] {
    throw CLI::RuntimeError(sbench::runner::batch_merge(flags->merge, std::cout, std::cerr));
  });
});

}  // namespace
}  // namespace sbench::cli
