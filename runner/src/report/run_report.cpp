#include "report/run_report.hpp"

#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "cache/result_store.hpp"
#include "report/report_page.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sbench/stats/summary.hpp"

namespace sbench::runner {
namespace {

constexpr std::size_t kListedFailures = 50;
constexpr std::size_t kListedLimitEvents = 1000;

struct ModelTally {
  std::size_t ran = 0, from_cache = 0, carried = 0, failed = 0, throttled = 0, retries = 0;
  std::size_t checks_passed = 0, checks_failed = 0;
  std::int64_t tokens_in = 0, tokens_out = 0;
  std::vector<double> latencies;
  std::map<std::string, std::size_t> errors;
};

struct CheckCell {
  std::size_t passed = 0, failed = 0, errored = 0;
};

nlohmann::json latency_json(std::vector<double> latencies) {
  const stats::Summary summary = stats::summarize(latencies);
  return {{"n", summary.n},     {"avg", summary.mean}, {"p50", summary.p50},
          {"p95", summary.p95}, {"p99", summary.p99},  {"max", summary.max}};
}

nlohmann::json errors_json(const std::map<std::string, std::size_t>& errors) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [kind, count] : errors)
    out[kind] = count;
  return out;
}

std::vector<ReportTable> report_tables(const nlohmann::json& results) {
  std::vector<ReportTable> tables;
  const nlohmann::json& totals = results["totals"];
  ReportTable summary{"Summary", {"measure", "value"}, {}};
  auto add = [&](const std::string& name, const nlohmann::json& value) {
    summary.rows.push_back(
        {name, value.is_number_float() ? fixed(value.get<double>(), 2) : value.dump()});
  };
  for (const char* field :
       {"runs", "ran", "from_cache", "carried", "failed", "cache_hits", "cache_misses",
        "cache_hit_rate", "runs_per_min", "scenarios_per_min", "tokens_in", "tokens_out",
        "throttled", "retries", "wall_s", "peak_rss_bytes"}) {
    if (totals.contains(field))
      add(field, totals[field]);
  }
  tables.push_back(summary);

  ReportTable models{
      "Models",
      {"model", "ran", "cache", "carried", "failed", "avg ms", "p50 ms", "p95 ms", "p99 ms",
       "tokens in", "tokens out", "429/503", "retries", "checks ok/failed", "errors"},
      {}};
  for (const nlohmann::json& model : results["models"]) {
    const nlohmann::json& latency = model["latency_ms"];
    std::string errors;
    for (const auto& [kind, count] : model["errors_by_kind"].items())
      errors += (errors.empty() ? "" : ", ") + kind + " " + count.dump();
    models.rows.push_back(
        {model["name"].get<std::string>(), model["ran"].dump(), model["from_cache"].dump(),
         model["carried"].dump(), model["failed"].dump(), fixed(latency["avg"].get<double>()),
         fixed(latency["p50"].get<double>()), fixed(latency["p95"].get<double>()),
         fixed(latency["p99"].get<double>()), model["tokens_in"].dump(), model["tokens_out"].dump(),
         model["throttled"].dump(), model["retries"].dump(),
         model["checks"]["passed"].dump() + "/" + model["checks"]["failed"].dump(),
         errors.empty() ? "-" : errors});
  }
  tables.push_back(models);

  ReportTable providers{
      "Providers", {"provider", "serving s", "back-off s", "final window", "peak in flight"}, {}};
  for (const nlohmann::json& provider : results["providers"]) {
    providers.rows.push_back(
        {provider["name"].get<std::string>(), fixed(provider["serving_s"].get<double>()),
         fixed(provider["backoff_s"].get<double>()), fixed(provider["final_window"].get<double>()),
         provider["peak_in_flight"].dump()});
  }
  if (!providers.rows.empty())
    tables.push_back(providers);

  std::vector<std::string> model_names;
  for (const nlohmann::json& model : results["models"])
    model_names.push_back(model["name"].get<std::string>());
  ReportTable checks{"Checks (passed/failed/errored per scenario and model)", {"scenario"}, {}};
  checks.header.insert(checks.header.end(), model_names.begin(), model_names.end());
  for (const nlohmann::json& scenario : results["checks"]) {
    std::vector<std::string> row{scenario["scenario"].get<std::string>()};
    for (const std::string& name : model_names) {
      const nlohmann::json& cell = scenario["models"].value(name, nlohmann::json::object());
      row.push_back(cell.empty() ? "-"
                                 : cell["passed"].dump() + "/" + cell["failed"].dump() + "/" +
                                       cell["errored"].dump());
    }
    checks.rows.push_back(std::move(row));
  }
  tables.push_back(checks);

  ReportTable failures{"Failures (final)", {"scenario", "model", "repeat", "kind", "message"}, {}};
  for (const nlohmann::json& failure : results["failures"]) {
    failures.rows.push_back({failure["scenario"].get<std::string>(),
                             failure["model"].get<std::string>(), failure["repeat"].dump(),
                             failure["kind"].get<std::string>(),
                             failure["message"].get<std::string>()});
  }
  if (!failures.rows.empty())
    tables.push_back(failures);
  return tables;
}

}  // namespace

std::string json_text(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json build_run_results(const ResultStore& store, const std::vector<std::string>& job_ids,
                                 const JobTiming& timing) {
  std::map<std::string, ModelTally> models;
  std::map<std::string, std::map<std::string, CheckCell>> checks;
  std::map<std::string, std::size_t> scenario_runs;
  nlohmann::json failures = nlohmann::json::array();
  nlohmann::json limit_history = nlohmann::json::array();
  std::size_t finished = 0;
  for (const std::string& job : job_ids) {
    std::set<std::string> counted;  // run keys with a result
    for (const ResultSummary& result : store.job_results(job)) {
      counted.insert(result.run_key);
      ModelTally& model = models[result.model_name];
      ++finished;
      ++scenario_runs[result.scenario_id];
      CheckCell& cell = checks[result.scenario_id][result.model_name];
      (result.checks_passed ? cell.passed : cell.failed)++;
      (result.checks_passed ? model.checks_passed : model.checks_failed)++;
      switch (result.source) {
        case ResultSource::ran:
          ++model.ran;
          model.latencies.push_back(result.latency_ms);
          model.tokens_in += result.prompt_tokens;
          model.tokens_out += result.completion_tokens;
          break;
        case ResultSource::cache:
          ++model.from_cache;
          break;
        case ResultSource::carried:
          ++model.carried;
          break;
      }
    }
    // A run given up by one start may have succeeded in a later start of the
    // same job: only runs without a result, each once, are failures.
    std::map<std::string, AttemptRecord> final_failures;
    for (AttemptRecord& attempt : store.job_attempts(job)) {
      if (attempt.outcome == "ok")
        continue;
      ModelTally& model = models[attempt.model_name];
      ++model.errors[attempt.outcome];
      if (attempt.outcome == "rate_limited" || attempt.outcome == "unavailable")
        ++model.throttled;
      if (!attempt.final)
        ++model.retries;
      else if (counted.count(attempt.key) == 0)
        final_failures[attempt.key] = std::move(attempt);
    }
    for (const auto& [key, attempt] : final_failures) {
      ++models[attempt.model_name].failed;
      ++checks[attempt.scenario_id][attempt.model_name].errored;
      if (failures.size() < kListedFailures) {
        failures.push_back({{"scenario", attempt.scenario_id},
                            {"model", attempt.model_name},
                            {"repeat", attempt.repeat},
                            {"kind", attempt.outcome},
                            {"message", attempt.message}});
      }
    }
    for (const LimitEvent& event : store.job_limit_events(job)) {
      if (limit_history.size() >= kListedLimitEvents)
        break;
      limit_history.push_back({{"provider", event.provider},
                               {"at_ms", event.at_ms},
                               {"event", event.event},
                               {"window", event.concurrency_limit},
                               {"detail", event.detail}});
    }
  }

  nlohmann::json totals = {{"runs", timing.planned_runs > 0 ? timing.planned_runs : finished}};
  std::size_t ran = 0, from_cache = 0, carried = 0, failed = 0, throttled = 0, retries = 0;
  std::int64_t tokens_in = 0, tokens_out = 0;
  std::map<std::string, std::size_t> errors;
  nlohmann::json model_rows = nlohmann::json::array();
  for (auto& [name, model] : models) {
    ran += model.ran;
    from_cache += model.from_cache;
    carried += model.carried;
    failed += model.failed;
    throttled += model.throttled;
    retries += model.retries;
    tokens_in += model.tokens_in;
    tokens_out += model.tokens_out;
    for (const auto& [kind, count] : model.errors)
      errors[kind] += count;
    model_rows.push_back(
        {{"name", name},
         {"ran", model.ran},
         {"from_cache", model.from_cache},
         {"carried", model.carried},
         {"failed", model.failed},
         {"latency_ms", latency_json(std::move(model.latencies))},
         {"tokens_in", model.tokens_in},
         {"tokens_out", model.tokens_out},
         {"throttled", model.throttled},
         {"retries", model.retries},
         {"errors_by_kind", errors_json(model.errors)},
         {"checks", {{"passed", model.checks_passed}, {"failed", model.checks_failed}}}});
  }
  const std::size_t planned = totals["runs"].get<std::size_t>();
  totals["ran"] = ran;
  totals["from_cache"] = from_cache;
  totals["carried"] = carried;
  totals["failed"] = failed;
  totals["cache_hits"] = from_cache + carried;
  totals["cache_misses"] = planned > from_cache + carried ? planned - from_cache - carried : 0;
  totals["cache_hit_rate"] =
      planned ? static_cast<double>(from_cache + carried) / static_cast<double>(planned) : 0.0;
  totals["tokens_in"] = tokens_in;
  totals["tokens_out"] = tokens_out;
  totals["throttled"] = throttled;
  totals["retries"] = retries;
  totals["errors_by_kind"] = errors_json(errors);
  if (timing.wall_s) {
    totals["wall_s"] = *timing.wall_s;
    const double minutes = std::max(*timing.wall_s, 1e-3) / 60;
    totals["runs_per_min"] = static_cast<double>(finished + failed) / minutes;
    totals["ran_per_min"] = static_cast<double>(ran) / minutes;
    totals["scenarios_per_min"] = static_cast<double>(scenario_runs.size()) / minutes;
  }
  if (timing.peak_rss_bytes)
    totals["peak_rss_bytes"] = *timing.peak_rss_bytes;

  nlohmann::json providers = nlohmann::json::array();
  if (timing.scheduler) {
    totals["interrupted"] = timing.scheduler->interrupted;
    totals["retry_budget_exhausted"] = timing.scheduler->retry_budget_exhausted;
    totals["fatal"] = timing.scheduler->fatal_messages;
    for (const ProviderActivity& provider : timing.scheduler->providers) {
      providers.push_back({{"name", provider.provider},
                           {"backoff_s", provider.backoff_s},
                           {"serving_s", provider.serving_s},
                           {"final_window", provider.final_window},
                           {"peak_in_flight", provider.peak_in_flight}});
    }
  }
  nlohmann::json check_rows = nlohmann::json::array();
  for (const auto& [scenario, cells] : checks) {
    nlohmann::json row = {{"scenario", scenario}, {"models", nlohmann::json::object()}};
    for (const auto& [model, cell] : cells) {
      row["models"][model] = {
          {"passed", cell.passed}, {"failed", cell.failed}, {"errored", cell.errored}};
    }
    check_rows.push_back(std::move(row));
  }
  return {
      {"schema", "sbench-run-results/1"}, {"jobs", job_ids},      {"store", store.file().string()},
      {"generated_at_ms", unix_ms_now()}, {"totals", totals},     {"models", model_rows},
      {"providers", providers},           {"checks", check_rows}, {"failures", failures},
      {"limit_history", limit_history}};
}

std::vector<std::filesystem::path> write_run_reports(const nlohmann::json& results,
                                                     const std::filesystem::path& output) {
  ReportPage page("sbench run");
  std::string jobs = "Jobs:";
  for (const nlohmann::json& job : results["jobs"])
    jobs += " " + job.get<std::string>();
  page.paragraph(jobs);
  for (ReportTable& table : report_tables(results)) {
    std::string title = std::move(table.title);
    page.heading(title);
    page.table(std::move(table));
  }
  std::filesystem::path md_path = output;
  md_path.replace_extension(".md");
  std::filesystem::path html_path = output;
  html_path.replace_extension(".html");
  reporters::write_file_atomically(output, json_text(results, 2) + "\n");
  reporters::write_file_atomically(md_path, page.markdown());
  reporters::write_file_atomically(html_path, page.html());
  return {output, md_path, html_path};
}

std::string summary_text(const nlohmann::json& results) {
  const nlohmann::json& totals = results["totals"];
  std::ostringstream text;
  text << "runs " << totals["runs"] << ": ran " << totals["ran"] << ", from cache "
       << totals["from_cache"] << ", carried " << totals["carried"] << ", failed "
       << totals["failed"] << "; cache hit rate "
       << fixed(totals["cache_hit_rate"].get<double>() * 100) << "%";
  if (totals.contains("wall_s")) {
    text << "; " << fixed(totals["wall_s"].get<double>()) << " s, "
         << fixed(totals["runs_per_min"].get<double>()) << " runs/min, "
         << fixed(totals["scenarios_per_min"].get<double>()) << " scenarios/min";
  }
  text << "; 429/503 " << totals["throttled"] << ", retries " << totals["retries"] << "\n";
  for (const nlohmann::json& model : results["models"]) {
    const nlohmann::json& latency = model["latency_ms"];
    text << "  " << model["name"].get<std::string>() << ": ran " << model["ran"] << ", latency avg "
         << fixed(latency["avg"].get<double>()) << " ms p50 " << fixed(latency["p50"].get<double>())
         << " p95 " << fixed(latency["p95"].get<double>()) << " p99 "
         << fixed(latency["p99"].get<double>()) << ", tokens " << model["tokens_in"] << " in / "
         << model["tokens_out"] << " out, checks " << model["checks"]["passed"] << " passed "
         << model["checks"]["failed"] << " failed\n";
  }
  if (totals.contains("peak_rss_bytes"))
    text << "  peak RSS of the runner: " << fixed(totals["peak_rss_bytes"].get<double>() / 1e6)
         << " MB\n";
  return text.str();
}

}  // namespace sbench::runner
