#include "job/dry_run.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "report/progress.hpp"
#include "schedule/scheduler.hpp"

namespace sbench::runner {
namespace {

// With no past result to go by, a run is assumed to take this long.
constexpr double kAssumedLatencyS = 10;
// AIMD's starting window when no max_concurrency is configured.
constexpr double kUnknownConcurrency = 4;

struct ModelForecast {
  std::size_t runs = 0, hits = 0, carried = 0;
  double tokens_in = 0, tokens_out = 0;
};

}  // namespace

void print_dry_run(const JobSetup& setup, const RunOptions& options, std::ostream& out) {
  const RunPlan& plan = setup.plan;
  std::vector<ModelForecast> forecasts(plan.models.size());
  for (const PlannedRun& run : plan.runs) {
    ModelForecast& forecast = forecasts[run.model];
    ++forecast.runs;
    if (const std::optional<StoredStandIn> stand_in =
            stored_stand_in(plan, *setup.store, run, options.use_cache, options.incremental)) {
      ++(stand_in->source == ResultSource::cache ? forecast.hits : forecast.carried);
      continue;
    }
    const Scenario& scenario = plan.scenario_of(run);
    forecast.tokens_out += scenario.max_tokens;
    forecast.tokens_in += estimated_tokens(scenario) - scenario.max_tokens;
  }

  std::set<std::uint32_t> scenarios;
  for (const PlannedRun& run : plan.runs)
    scenarios.insert(run.scenario);
  out << "sbench run --dry-run: " << scenarios.size() << " scenarios x " << plan.models.size()
      << " models = " << plan.runs.size() << " runs (nothing is sent)\n\n";
  out << std::left << std::setw(20) << "model" << std::setw(14) << "provider" << std::right
      << std::setw(7) << "runs" << std::setw(8) << "cached" << std::setw(9) << "carried"
      << std::setw(8) << "to run" << std::setw(13) << "tokens in~" << std::setw(13)
      << "tokens out<=" << std::setw(12) << "latency"
      << "\n";

  std::map<std::size_t, double> provider_seconds;
  std::size_t hits = 0;
  for (std::size_t m = 0; m < plan.models.size(); ++m) {
    const ModelForecast& forecast = forecasts[m];
    const PlannedModel& model = plan.models[m];
    const ProviderConfig& provider = plan.config->providers[model.provider];
    const std::size_t to_run = forecast.runs - forecast.hits - forecast.carried;
    hits += forecast.hits + forecast.carried;
    const std::optional<double> past = setup.store->typical_latency_ms(model.config->name);
    const double latency_s = past ? *past / 1000 : kAssumedLatencyS;
    const double concurrency = provider.limits.max_concurrency > 0
                                   ? static_cast<double>(provider.limits.max_concurrency)
                                   : kUnknownConcurrency;
    // Runs of models sharing a provider add up against its limits.
    double& seconds = provider_seconds[model.provider];
    seconds += static_cast<double>(to_run) * latency_s / concurrency;
    if (provider.limits.rpm > 0)
      seconds = std::max(seconds, static_cast<double>(to_run) * 60 / provider.limits.rpm);
    if (provider.limits.tpm > 0) {
      seconds =
          std::max(seconds, (forecast.tokens_in + forecast.tokens_out) * 60 / provider.limits.tpm);
    }
    out << std::left << std::setw(20) << model.config->name << std::setw(14) << provider.name
        << std::right << std::setw(7) << forecast.runs << std::setw(8) << forecast.hits
        << std::setw(9) << forecast.carried << std::setw(8) << to_run << std::setw(13)
        << static_cast<long long>(forecast.tokens_in) << std::setw(13)
        << static_cast<long long>(forecast.tokens_out) << std::setw(12)
        << (past ? duration_text(latency_s) : "~" + duration_text(latency_s) + "?") << "\n";
  }
  double eta = 0;
  for (const auto& [provider, seconds] : provider_seconds)
    eta = std::max(eta, seconds);
  out << "\npredicted store hits: " << hits << " of " << plan.runs.size();
  if (!options.use_cache && !options.incremental)
    out << " (neither --use-cache nor --incremental given)";
  out << "\nETA: " << duration_text(eta)
      << " (all providers at once; each limited by max_concurrency x latency, rpm and tpm; "
         "latency is the median of the model's past results, or an assumed "
      << kAssumedLatencyS << " s marked '?')\n";
  for (const std::string& note : setup.identity_notes)
    out << "note: " << note << "\n";
}

}  // namespace sbench::runner
