// `sbench run`: the scenario x model runner (docs/RUNNER.md), and `sbench run
// merge` for the stores of a sharded job.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "load_options.hpp"
#include "sbench/runner/runner.hpp"

namespace sbench::cli {
namespace {

constexpr const char* kRunDescription =
    R"(Run every scenario of a suite against every model of a runner file.

  sbench run -c sbench-run.toml                 run the matrix, keep every result in the store
  sbench run -c sbench-run.toml --use-cache     serve results whose key is already stored
  sbench run -c sbench-run.toml --incremental   carry forward scenarios whose template and
                                                scenario files did not change
  sbench run -c sbench-run.toml --dry-run       the matrix, predicted hits, tokens and ETA
  sbench run -c sbench-run.toml --explain-cache --scenario ID --model NAME
  sbench run -c sbench-run.toml --shard 0/4 --store shard0.sqlite
  sbench run merge --into all.sqlite --output run_results.json shard*.sqlite

A killed run started again with the same command resumes its job: what finished
is never redone. Exit codes: 0 all passed, 1 runs failed, 2 bad input,
3 checks failed, 5 nothing to run, 130 interrupted. See docs/RUNNER.md.)";

struct RunFlags {
  sbench::runner::RunOptions run;
  bool explain = false;
  bool offline = false;
  LoadFlags display;  // only its progress flags
};

void install_merge(CLI::App& run) {
  CLI::App* merge = run.add_subcommand(
      "merge", "Combine the result stores of a sharded job and report over all of them");
  auto options = std::make_shared<sbench::runner::MergeOptions>();
  options->output = "run_results.json";
  merge->add_option("stores", options->stores, "The shard stores")
      ->required()
      ->check(CLI::ExistingFile);
  merge->add_option("--into", options->into, "The combined store (created if missing)")->required();
  merge->add_option("-o,--output", options->output,
                    "The combined run_results.json (.md and .html next to it)");
  merge->callback([options] {
    throw CLI::RuntimeError(sbench::runner::merge(*options, std::cout, std::cerr));
  });
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command = app.add_subcommand("run", "Run scenarios x models with a result store");
  command->description(kRunDescription);
  command->require_subcommand(0, 1);
  auto flags = std::make_shared<RunFlags>();
  sbench::runner::RunOptions& run = flags->run;
  run.config = "sbench-run.toml";
  command->add_option("-c,--config", run.config, "The runner file")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  command->add_flag("--use-cache", run.use_cache,
                    "Serve results already stored under the same key (no request sent)");
  command->add_flag("--incremental", run.incremental,
                    "Carry forward the last result of scenarios whose template and scenario "
                    "hashes are unchanged, marked as carried");
  command->add_flag("--dry-run", run.dry_run,
                    "Print the matrix, predicted cache hits, tokens and ETA; send nothing");
  command->add_flag("--explain-cache", flags->explain,
                    "For each run: hit or miss, and how its key differs from the nearest stored "
                    "one");
  command->add_flag("--offline", flags->offline,
                    "With --explain-cache: use the model identities last seen, ask no server");
  command->add_flag("--fresh", run.fresh,
                    "Start a new job even if an unfinished one of the same plan can be resumed");
  command->add_option("--shard", run.shard,
                      "K/N: run shard K (0-based) of N; env or env/N: from JOB_COMPLETION_INDEX "
                      "or SLURM_ARRAY_TASK_ID");
  command->add_option("--model", run.models, "Only this model (repeatable)");
  command->add_option("--scenario", run.scenarios, "Only scenario ids matching this glob");
  command->add_option("--store", run.store, "The result store instead of the runner file's");
  command->add_option("-o,--output", run.output, "run_results.json instead of the runner file's");
  flags->display.add_progress(*command);
  install_merge(*command);
  command->callback([command, flags] {
    if (!command->get_subcommands().empty())
      return;
    sbench::runner::RunOptions& options = flags->run;
    options.progress = flags->display.display();
    options.progress_interval = flags->display.interval();
    if (flags->explain) {
      const sbench::runner::ExplainOptions explain{
          options.config, options.models, options.scenarios, options.store, flags->offline};
      throw CLI::RuntimeError(sbench::runner::explain_cache(explain, std::cout, std::cerr));
    }
    throw CLI::RuntimeError(sbench::runner::run(options, std::cout, std::cerr));
  });
});

}  // namespace
}  // namespace sbench::cli
