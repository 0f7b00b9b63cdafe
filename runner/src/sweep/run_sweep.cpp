// `sbench sweep`: measure points (a grid, an --auto search over workers, open-
// loop rates, a goodput search), each stored as it finishes, then answer:
// recommended workers, ETAs, diagnosis.
#include <cmath>
#include <iomanip>
#include <sstream>

#include "cache/sha256.hpp"
#include "config/toml_json.hpp"
#include "job/command_errors.hpp"
#include "job/stop_on_signals.hpp"
#include "load/arrivals.hpp"
#include "load/load_progress.hpp"
#include "load/load_run.hpp"
#include "load/request_source.hpp"
#include "load/server_memory_probe.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/http/client.hpp"
#include "sbench/runner/sweep.hpp"
#include "sweep/auto_search.hpp"
#include "sweep/goodput.hpp"
#include "sweep/point_json.hpp"
#include "sweep/point_store.hpp"
#include "sweep/sweep_report.hpp"

namespace sbench::runner {
namespace {

// Part of every point's key: a change in how points are measured or stored
// must not let an old line stand in for a new measurement.
constexpr int kPointSchema = 1;

std::string_view arrivals_name(Arrivals arrivals) {
  switch (arrivals) {
    case Arrivals::constant:
      return "constant";
    case Arrivals::gamma:
      return "gamma";
    case Arrivals::poisson:
      break;
  }
  return "poisson";
}

// Three significant digits: rates a search picks stay readable in keys and tables.
double rounded_rate(double rate) {
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(rate)));
  return std::round(rate * scale) / scale;
}

std::string rate_text(double rate) {
  std::ostringstream text;
  text << std::setprecision(3) << rate;
  return text.str();
}

void validate(const SweepOptions& options) {
  auto positive = [](const auto& values, const char* flag) {
    for (const auto value : values) {
      if (!(value > 0))
        throw InputError(std::string(flag) + ": every value must be above 0");
    }
  };
  positive(options.workers, "--workers");
  positive(options.requests, "--requests");
  positive(options.rates, "--rate");
  positive(options.eta_requests, "--eta");
  if (options.requests.empty())
    throw InputError("--requests: give at least one request count");
  if (!options.auto_search && !options.goodput && options.rates.empty() && options.workers.empty())
    throw InputError("--workers: give at least one worker count (or --auto, --rate, --goodput)");
  if (options.auto_search && (options.goodput || !options.rates.empty()))
    throw InputError("--auto searches the worker axis; it does not go with --rate or --goodput");
  if (!(options.precision > 0 && options.precision < 1))
    throw InputError("--precision: expected a fraction between 0 and 1, e.g. 0.03");
  if (options.min_requests_per_level < 20 ||
      options.min_requests_per_level > options.max_requests_per_level)
    throw InputError("--min-requests/--max-requests: expected 20 <= min <= max");
  if (options.max_workers == 0)
    throw InputError("--max-workers: expected at least 1");
  if (options.goodput && !options.slo_ttft_ms && !options.slo_itl_ms && !options.slo_e2e_ms)
    throw InputError("--goodput: give at least one of --slo-ttft-ms, --slo-itl-ms, --slo-e2e-ms");
  if (!(options.goodput_share > 0 && options.goodput_share <= 1))
    throw InputError("--goodput-share: expected a fraction above 0 and at most 1");
  if (options.arrivals == Arrivals::gamma && !(options.gamma_cv > 0))
    throw InputError("--gamma-cv: expected a value above 0");
  if (options.max_in_flight == 0)
    throw InputError("--max-in-flight: expected at least 1");
  if (!(options.max_error_rate >= 0 && options.max_error_rate <= 1))
    throw InputError("--max-error-rate: expected a fraction from 0 to 1");
}

struct PointSpec {
  nlohmann::json config;
  std::string label;
};

class Sweep {
 public:
  Sweep(const SweepOptions& options, std::ostream& out, std::ostream& err)
      : options_(options),
        out_(out),
        err_(err),
        target_(options.target),
        store_(options.output_dir / "sweep_points.jsonl", options.fresh),
        progress_(err, options.progress, options.progress_interval) {}

  int run() {
    http::Client client;
    target_.connect(client);
    source_.emplace(options_.shape, target_);
    probe_.emplace(options_.target);
    if (store_.ignored_lines() > 0)
      err_ << "sbench sweep: " << store_.ignored_lines() << " unreadable line(s) in "
           << store_.path().string() << " ignored (a point cut short is measured again)\n";
    out_ << "sbench sweep: " << options_.target.url << " (" << options_.target.backend << ", model "
         << target_.model() << "), points in " << store_.path().string() << "\n"
         << std::flush;
    StopOnSignals signals;
    stop_ = &signals.stop_requested();
    if (options_.auto_search)
      search_workers();
    else if (options_.goodput)
      search_goodput();
    else
      run_grid();
    return finish();
  }

 private:
  void run_grid() {
    std::vector<PointSpec> specs;
    for (const std::size_t requests : options_.requests) {
      if (options_.rates.empty()) {
        for (const std::size_t workers : options_.workers)
          specs.push_back(closed_point(workers, requests));
      } else {
        for (const double rate : options_.rates)
          specs.push_back(open_point(rate, requests));
      }
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
      specs[i].label = "point " + std::to_string(i + 1) + "/" + std::to_string(specs.size()) +
                       " (" + specs[i].label + ")";
      if (measure(specs[i]).is_null())
        return;
    }
  }

  void search_workers() {
    AutoSearch search({.min_workers = options_.workers.empty() ? 1 : options_.workers.front(),
                       .max_workers = options_.max_workers,
                       .tolerance = 0.05});
    std::size_t level = 0;
    while (const std::optional<std::size_t> workers = search.next()) {
      PointSpec spec = closed_point(*workers, options_.max_requests_per_level);
      spec.config["adaptive"] = {{"min_requests", options_.min_requests_per_level},
                                 {"precision", options_.precision}};
      // A level whose interval lies wholly below the best level so far is not
      // the best: it stops there, which saves most of the requests of the
      // levels past the knee. Part of the key, as it changes the measurement.
      double best = 0;
      for (const WorkerLevel& measured : search.levels())
        best = recommendable(measured) ? std::max(best, measured.rate) : best;
      if (best > 0)
        spec.config["adaptive"]["settled_below"] = best;
      spec.label = "level " + std::to_string(++level) + " (" + spec.label + ", until ±" +
                   rate_text(options_.precision * 100) + "%)";
      const nlohmann::json point = measure(spec);
      if (point.is_null())
        return;
      search.record(worker_level(point));
    }
  }

  void search_goodput() {
    const std::size_t requests = options_.requests.front();
    GoodputSearch search(options_.rates.empty() ? 1.0 : options_.rates.front());
    std::size_t probe = 0;
    while (const std::optional<double> rate = search.next()) {
      PointSpec spec = open_point(rounded_rate(*rate), requests);
      spec.label = "probe " + std::to_string(++probe) + " (" + spec.label + ")";
      const nlohmann::json point = measure(spec);
      if (point.is_null())
        return;
      search.record(spec.config["rate"].get<double>(),
                    point["slo"]["met_share"].get<double>() >= options_.goodput_share,
                    mean_in_flight(point));
    }
  }

  PointSpec closed_point(std::size_t workers, std::size_t requests) const {
    return {{{"mode", "closed"}, {"workers", workers}, {"requests", requests}},
            std::to_string(workers) + " workers x " + std::to_string(requests) + " requests"};
  }

  PointSpec open_point(double rate, std::size_t requests) const {
    nlohmann::json config = {{"mode", "open"},
                             {"rate", rate},
                             {"arrivals", arrivals_name(options_.arrivals)},
                             {"seed", options_.seed},
                             {"max_in_flight", options_.max_in_flight},
                             {"requests", requests}};
    if (options_.arrivals == Arrivals::gamma)
      config["gamma_cv"] = options_.gamma_cv;
    if (options_.goodput)
      config["slo"] = slo_json();
    return {std::move(config), rate_text(rate) + " req/s " +
                                   std::string(arrivals_name(options_.arrivals)) + " x " +
                                   std::to_string(requests) + " requests"};
  }

  nlohmann::json slo_json() const {
    nlohmann::json slo = {{"share", options_.goodput_share}};
    if (options_.slo_ttft_ms)
      slo["ttft_ms"] = *options_.slo_ttft_ms;
    if (options_.slo_itl_ms)
      slo["itl_ms"] = *options_.slo_itl_ms;
    if (options_.slo_e2e_ms)
      slo["e2e_ms"] = *options_.slo_e2e_ms;
    return slo;
  }

  // The key covers everything that changes what a point measures: the
  // server, the bodies, the timeout and the point's own settings.
  std::string key_of(const PointSpec& spec) const {
    const nlohmann::json manifest = {{"schema", kPointSchema},
                                     {"target",
                                      {{"url", options_.target.url},
                                       {"backend", options_.target.backend},
                                       {"path", target_.generation_path()},
                                       {"model", target_.model()}}},
                                     {"bodies", source_->identity()},
                                     {"timeout_ms", options_.target.request_timeout.count()},
                                     {"point", spec.config}};
    return sha256_hex(manifest.dump());
  }

  // The point from the store, or measured and stored; null when a stop
  // signal cut it short (nothing of it is kept: the next start measures it).
  nlohmann::json measure(const PointSpec& spec) {
    const std::string key = key_of(spec);
    if (const nlohmann::json* stored = store_.find(key)) {
      out_ << spec.label << ": stored earlier\n";
      points_.push_back(*stored);
      return *stored;
    }
    out_ << spec.label << "\n" << std::flush;
    const nlohmann::json& config = spec.config;
    LoadPlan plan;
    plan.requests = config["requests"].get<std::size_t>();
    if (config["mode"] == "closed") {
      plan.workers = config["workers"].get<std::size_t>();
    } else {
      plan.arrivals_s = arrival_times(options_.arrivals, config["rate"].get<double>(),
                                      plan.requests, options_.gamma_cv, options_.seed);
      plan.max_in_flight = options_.max_in_flight;
    }
    LoadObserver observer;
    // What the stopping rule saw when it stopped the level: the answers still
    // out then finish afterwards and move the final interval a little.
    nlohmann::json stopped_on;
    if (config.contains("adaptive")) {
      const nlohmann::json& adaptive = config["adaptive"];
      observer.enough =
          [&stopped_on, min_requests = adaptive["min_requests"].get<std::size_t>(),
           precision = adaptive["precision"].get<double>(),
           below = adaptive.value("settled_below", 0.0)](std::span<const RequestRecord> records) {
            if (records.size() < min_requests)
              return false;
            const SustainedRate rate = find_sustained_rate(records);
            if (!rate.found || (rate.relative_half_width > precision && rate.ci_high >= below))
              return false;
            stopped_on = {{"answers", records.size()},
                          {"requests_per_s", rate.requests_per_s},
                          {"ci_high", rate.ci_high},
                          {"relative_half_width", rate.relative_half_width}};
            return true;
          };
    }
    observer.tick = [&](const LoadSnapshot& snapshot) {
      probe_->sample();
      progress_.update({spec.label, snapshot.done, plan.requests, snapshot.failed,
                        snapshot.in_flight, snapshot.elapsed_s, std::nullopt, std::nullopt});
    };
    probe_->begin();
    const BodyOf body_of = [this](std::size_t index) { return source_->body(index); };
    LoadResult result = run_load(target_, body_of, plan, observer, *stop_);
    progress_.finish();
    if (result.interrupted) {
      interrupted_ = true;
      return nullptr;
    }
    const PointMetrics metrics = analyze_point(result.records);
    nlohmann::json point = {{"key", key},
                            {"point", config},
                            {"metrics", metrics_json(metrics)},
                            {"memory", memory_json(probe_->end())},
                            {"stopped_early", result.stopped_early},
                            {"measured_at_unix_s", std::time(nullptr)}};
    if (result.stopped_early)
      point["stopped_on"] = stopped_on;
    if (config.contains("slo"))
      point["slo"] = goodput_json(result.records, config["slo"]);
    store_.append(point);
    out_ << "  " << point_summary(point) << "\n" << std::flush;
    points_.push_back(point);
    return point;
  }

  int finish() {
    const nlohmann::json document =
        build_sweep_document(points_, options_, target_.model(), probe_->pid(), interrupted_);
    for (const std::filesystem::path& path : write_sweep_reports(document, options_.output_dir))
      out_ << "wrote " << path.string() << "\n";
    out_ << answer_text(document) << std::flush;
    if (interrupted_) {
      err_ << "sbench sweep: interrupted; run the same command again to measure the "
              "remaining points\n";
      return kExitInterrupted;
    }
    for (const nlohmann::json& point : points_) {
      if (point["metrics"]["error_rate"].get<double>() > options_.max_error_rate) {
        err_ << "sbench sweep: some points failed more than " << options_.max_error_rate * 100
             << "% of their requests (--max-error-rate); see the errors by kind above\n";
        return exit_error;
      }
    }
    return points_.empty() ? exit_nothing_ran : exit_ok;
  }

  const SweepOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  LoadTarget target_;
  PointStore store_;
  LoadProgress progress_;
  std::optional<RequestSource> source_;
  std::optional<ServerMemoryProbe> probe_;
  const std::atomic<bool>* stop_ = nullptr;
  std::vector<nlohmann::json> points_;
  bool interrupted_ = false;
};

}  // namespace

int sweep(const SweepOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench sweep", err, [&] {
    validate(options);
    Sweep sweep(options, out, err);
    return sweep.run();
  });
}

}  // namespace sbench::runner
