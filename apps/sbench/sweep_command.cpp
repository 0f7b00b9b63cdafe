// `sbench sweep`: the worker-count study (docs/SWEEP.md).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "load_options.hpp"
#include "sbench/runner/sweep.hpp"

namespace sbench::cli {
namespace {

constexpr const char* kSweepDescription =
    R"(Find how many workers a job should use, from sustained (not burst) rates.

  sbench sweep --url http://127.0.0.1:8080 --workers 2,4,8,16,32 --requests 1000,5000,10000
  sbench sweep --url ... --auto                       search the worker axis instead of a grid
  sbench sweep --url ... --rate 2,4,8 --arrivals poisson --requests 500    open loop
  sbench sweep --url ... --goodput --slo-ttft-ms 500 --slo-e2e-ms 5000 --requests 300

Each point reports the sustained rate over a steady-state window found from
the token arrivals (warm-up and drain left out), the burst rate of the first
requests beside it, drift, latency p50/p95/p99, TTFT, ITL, errors by kind and
the server's memory. The answer: the recommended workers (the fewest within 5%
of the best sustained rate), ETAs for 50,000 and 170,000 requests with their
band, and a diagnosis (workers help, saturate or hurt; server parallelism ~1).
Points are stored as they finish (sweep/sweep_points.jsonl): the same command
started again measures only the rest. Exit codes: 0 done, 1 a point failed more
than --max-error-rate, 2 bad input, 130 interrupted. See docs/SWEEP.md.)";

struct SweepFlags {
  sbench::runner::SweepOptions sweep;
  LoadFlags load;
  std::string arrivals = "poisson";
  std::string sample;
  std::vector<double> slo_ttft_ms;
  std::vector<double> slo_itl_ms;
  std::vector<double> slo_e2e_ms;
};

std::optional<double> single(const std::vector<double>& values) {
  return values.empty() ? std::nullopt : std::optional<double>(values.front());
}

const RegisterCommand registered([](CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("sweep", "Find the right worker count from sustained rates");
  command->description(kSweepDescription);
  auto flags = std::make_shared<SweepFlags>();
  sbench::runner::SweepOptions& sweep = flags->sweep;
  flags->load.add_target(*command, sweep.target, true);
  CLI::Option* workers =
      command->add_option("--workers", sweep.workers, "Worker counts of the grid (closed loop)")
          ->delimiter(',')
          ->capture_default_str();
  command->add_option("--requests", sweep.requests, "Request counts of the grid")
      ->delimiter(',')
      ->capture_default_str();
  command->add_flag("--auto", sweep.auto_search,
                    "Search the worker axis (doubling, then refining around the knee); each "
                    "level stops once its sustained rate is within --precision");
  command->add_option("--max-workers", sweep.max_workers, "Upper end of the --auto search")
      ->capture_default_str();
  command
      ->add_option("--precision", sweep.precision,
                   "--auto: relative half-width of a level's 95% interval to stop at")
      ->capture_default_str();
  command
      ->add_option("--min-requests", sweep.min_requests_per_level,
                   "--auto: requests a level runs at least")
      ->capture_default_str();
  command
      ->add_option("--max-requests", sweep.max_requests_per_level,
                   "--auto: requests a level runs at most")
      ->capture_default_str();
  command
      ->add_option("--rate", sweep.rates,
                   "Open loop: arrival rates in requests/s instead of worker counts")
      ->delimiter(',');
  command->add_option("--arrivals", flags->arrivals, "constant, poisson or gamma")
      ->check(CLI::IsMember({"constant", "poisson", "gamma"}))
      ->capture_default_str();
  command
      ->add_option("--gamma-cv", sweep.gamma_cv,
                   "Burstiness of gamma arrivals (coefficient of variation; 1 = Poisson)")
      ->capture_default_str();
  command->add_option("--seed", sweep.seed, "Seed of the arrival times")->capture_default_str();
  command
      ->add_option("--max-in-flight", sweep.max_in_flight,
                   "Open loop: requests out at once; later arrivals wait in the client")
      ->capture_default_str();
  command->add_flag("--goodput", sweep.goodput,
                    "Search the highest arrival rate at which --goodput-share of the requests "
                    "meet the SLOs");
  command->add_option("--slo-ttft-ms", flags->slo_ttft_ms, "SLO on time to first token")
      ->expected(1);
  command->add_option("--slo-itl-ms", flags->slo_itl_ms, "SLO on a request's mean inter-token gap")
      ->expected(1);
  command->add_option("--slo-e2e-ms", flags->slo_e2e_ms, "SLO on end-to-end latency")->expected(1);
  command
      ->add_option("--goodput-share", sweep.goodput_share,
                   "Share of requests that must meet the SLOs")
      ->capture_default_str();
  command
      ->add_option("--sample", flags->sample,
                   "JSONL of request bodies or OpenAI Batch lines, sent in turn")
      ->check(CLI::ExistingFile);
  command->add_option("--prompt", sweep.shape.prompt,
                      "One fixed prompt (default: a distinct synthetic prompt per request)");
  command->add_option("--prompt-words", sweep.shape.prompt_words, "Words of the synthetic prompts")
      ->capture_default_str();
  command->add_option("--max-tokens", sweep.shape.max_tokens, "max_tokens of each request")
      ->capture_default_str();
  command->add_option("--param", sweep.shape.parameters,
                      "name=JSON added to every body, e.g. --param temperature=0");
  command
      ->add_option("--eta", sweep.eta_requests,
                   "Also estimate the time for this many requests (besides 50,000 and 170,000)")
      ->delimiter(',');
  command
      ->add_option("-o,--output", sweep.output_dir,
                   "Directory of sweep_results.{json,md,html} and sweep_points.jsonl")
      ->capture_default_str();
  command->add_flag("--fresh", sweep.fresh,
                    "Measure every point again (the earlier points file is kept aside)");
  command
      ->add_option("--max-error-rate", sweep.max_error_rate,
                   "A point failing more of its requests than this fails the sweep")
      ->capture_default_str();
  flags->load.add_progress(*command);
  command->callback([flags, workers] {
    sbench::runner::SweepOptions& options = flags->sweep;
    // --auto starts from one worker unless told where to start.
    if (options.auto_search && workers->count() == 0)
      options.workers = {1};
    flags->load.apply(options.target);
    options.progress = flags->load.display();
    options.progress_interval = flags->load.interval();
    options.arrivals = flags->arrivals == "constant" ? sbench::runner::Arrivals::constant
                       : flags->arrivals == "gamma"  ? sbench::runner::Arrivals::gamma
                                                     : sbench::runner::Arrivals::poisson;
    if (!flags->sample.empty())
      options.shape.sample = flags->sample;
    options.slo_ttft_ms = single(flags->slo_ttft_ms);
    options.slo_itl_ms = single(flags->slo_itl_ms);
    options.slo_e2e_ms = single(flags->slo_e2e_ms);
    throw CLI::RuntimeError(sbench::runner::sweep(options, std::cout, std::cerr));
  });
});

}  // namespace
}  // namespace sbench::cli
