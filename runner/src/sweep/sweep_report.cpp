#include "sweep/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "report/progress.hpp"
#include "report/report_page.hpp"
#include "report/run_report.hpp"
#include "sbench/reporters/atomic_file.hpp"
#include "sweep/goodput.hpp"
#include "sweep/point_json.hpp"
#include "sweep/sweep_answer.hpp"

namespace sbench::runner {
namespace {

using Pointer = nlohmann::json::json_pointer;

constexpr double kDefaultEtas[] = {50'000, 170'000};

double number(const nlohmann::json& json, const char* pointer) {
  const Pointer at(pointer);
  return json.contains(at) && json[at].is_number() ? json[at].get<double>() : 0.0;
}

bool is_closed(const nlohmann::json& point) {
  return point["point"]["mode"] == "closed";
}

std::string thousands(double value) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

std::string rate_cell(const nlohmann::json& metrics) {
  if (!metrics["sustained"]["found"].get<bool>())
    return "not found";
  return fixed(number(metrics, "/sustained/requests_per_s"), 2) + " [" +
         fixed(number(metrics, "/sustained/ci_low"), 2) + ", " +
         fixed(number(metrics, "/sustained/ci_high"), 2) + "]";
}

std::string errors_cell(const nlohmann::json& metrics) {
  std::string cell = fixed(number(metrics, "/error_rate") * 100, 1) + "%";
  for (const auto& [kind, count] : metrics["errors"].items())
    cell += " " + kind + ":" + count.dump();
  return cell;
}

std::string memory_cell(const nlohmann::json& reading) {
  return reading.contains("peak") ? fixed(reading["peak"].get<double>(), 1) : "skipped";
}

std::string point_name(const nlohmann::json& point) {
  const nlohmann::json& config = point["point"];
  if (is_closed(point))
    return config["workers"].dump() + " workers";
  return fixed(config["rate"].get<double>(), 2) + " req/s " + config["arrivals"].get<std::string>();
}

// Per worker count, the point with the most requests: the longest run is the
// most representative of a long job.
std::map<std::size_t, const nlohmann::json*> level_points(
    const std::vector<nlohmann::json>& points) {
  std::map<std::size_t, const nlohmann::json*> chosen;
  for (const nlohmann::json& point : points) {
    if (!is_closed(point))
      continue;
    const std::size_t workers = point["point"]["workers"].get<std::size_t>();
    const nlohmann::json*& best = chosen[workers];
    if (best == nullptr || point["point"]["requests"] >= (*best)["point"]["requests"])
      best = &point;
  }
  return chosen;
}

nlohmann::json eta_json(const Eta& eta) {
  auto seconds = [](double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  return {{"requests", eta.requests},
          {"seconds", seconds(eta.seconds)},
          {"low_seconds", seconds(eta.low_seconds)},
          {"high_seconds", seconds(eta.high_seconds)},
          {"bounded", eta.bounded}};
}

// How much the sustained rate at one worker count moves with the number of
// requests: the seed's "does it vary with batch size?".
nlohmann::json batch_size_consistency(const std::vector<nlohmann::json>& points) {
  std::map<std::size_t, std::vector<double>> rates;
  for (const nlohmann::json& point : points) {
    if (is_closed(point) && point["metrics"]["sustained"]["found"].get<bool>())
      rates[point["point"]["workers"].get<std::size_t>()].push_back(
          number(point["metrics"], "/sustained/requests_per_s"));
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [workers, values] : rates) {
    if (values.size() < 2)
      continue;
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    rows.push_back({{"workers", workers},
                    {"batch_sizes", values.size()},
                    {"spread", *high > 0 ? (*high - *low) / *high : 0.0}});
  }
  return rows;
}

nlohmann::json answer_json(const std::vector<nlohmann::json>& points,
                           const std::vector<WorkerLevel>& levels, const SweepOptions& options) {
  if (levels.empty())
    return nullptr;
  const Recommendation recommendation = recommend_workers(levels);
  const Diagnosis diagnosis = diagnose(levels);
  nlohmann::json answer = {{"recommendation",
                            {{"found", recommendation.found},
                             {"workers", recommendation.workers},
                             {"requests_per_s", recommendation.rate},
                             {"ci_low", recommendation.ci_low},
                             {"ci_high", recommendation.ci_high},
                             {"best_workers", recommendation.best_workers},
                             {"best_requests_per_s", recommendation.best_rate},
                             {"reason", recommendation.reason}}},
                           {"diagnosis",
                            {{"effect", to_string(diagnosis.effect)},
                             {"serialized_server", diagnosis.serialized_server},
                             {"summary", diagnosis.summary},
                             {"settings_to_check", diagnosis.settings_to_check}}},
                           {"batch_size_consistency", batch_size_consistency(points)}};
  if (!recommendation.found)
    return answer;
  std::set<double> targets(std::begin(kDefaultEtas), std::end(kDefaultEtas));
  targets.insert(options.eta_requests.begin(), options.eta_requests.end());
  nlohmann::json etas = nlohmann::json::array();
  for (const double requests : targets)
    etas.push_back(eta_json(estimate_eta(requests, recommendation.rate, recommendation.ci_low,
                                         recommendation.ci_high)));
  answer["eta"] = std::move(etas);
  const nlohmann::json& point = *level_points(points).at(recommendation.workers);
  const double burst = number(point["metrics"], "/burst/requests_per_s");
  answer["burst"] = {{"requests", point["metrics"]["burst"]["requests"]},
                     {"requests_per_s", burst},
                     {"sustained_requests_per_s", recommendation.rate},
                     {"ratio", recommendation.rate > 0 ? burst / recommendation.rate : 0.0}};
  return answer;
}

nlohmann::json goodput_section(const std::vector<nlohmann::json>& points,
                               const SweepOptions& options) {
  nlohmann::json probes = nlohmann::json::array();
  nlohmann::json best = nullptr;
  for (const nlohmann::json& point : points) {
    if (!point.contains("slo"))
      continue;
    const double rate = point["point"]["rate"].get<double>();
    const bool met = point["slo"]["met_share"].get<double>() >= options.goodput_share;
    probes.push_back({{"rate", rate},
                      {"met_share", point["slo"]["met_share"]},
                      {"goodput_per_s", point["slo"]["goodput_per_s"]},
                      {"met", met}});
    if (met && (best.is_null() || rate > best.get<double>()))
      best = rate;
  }
  if (probes.empty())
    return nullptr;
  nlohmann::json section = {
      {"slo", points.back()["point"]["slo"]}, {"best_rate", best}, {"probes", probes}};
  // Nothing met the SLOs even on a mostly idle server: say so, since no
  // lower rate would have helped.
  const auto lowest = std::ranges::min_element(points, {}, [](const nlohmann::json& point) {
    return point.contains("slo") ? point["point"]["rate"].get<double>()
                                 : std::numeric_limits<double>::infinity();
  });
  if (best.is_null() && mean_in_flight(*lowest) < kIdleInFlight) {
    section["missed_when_idle"] = {{"rate", (*lowest)["point"]["rate"]},
                                   {"in_flight", mean_in_flight(*lowest)},
                                   {"latency_p50_ms", (*lowest)["metrics"]["latency_ms"]["p50"]}};
  }
  return section;
}

std::vector<std::string> answer_lines(const nlohmann::json& document) {
  std::vector<std::string> lines;
  const nlohmann::json& answer = document["answer"];
  if (answer.is_null())
    return lines;
  const nlohmann::json& recommendation = answer["recommendation"];
  if (recommendation["found"].get<bool>()) {
    lines.push_back("Recommended workers: " + recommendation["workers"].dump() + ", sustaining " +
                    fixed(number(recommendation, "/requests_per_s"), 2) + " req/s [" +
                    fixed(number(recommendation, "/ci_low"), 2) + ", " +
                    fixed(number(recommendation, "/ci_high"), 2) + "] (best " +
                    fixed(number(recommendation, "/best_requests_per_s"), 2) + " req/s at " +
                    recommendation["best_workers"].dump() +
                    (recommendation["best_workers"] == 1 ? " worker" : " workers") +
                    "; the fewest within 5% of it).");
    for (const nlohmann::json& eta : answer["eta"]) {
      std::string line = "ETA for " + thousands(eta["requests"].get<double>()) +
                         " requests: " + duration_text(number(eta, "/seconds"));
      line += eta["bounded"].get<bool>()
                  ? " (" + duration_text(number(eta, "/low_seconds")) + " to " +
                        duration_text(number(eta, "/high_seconds")) + ")"
                  : " (no upper bound: the rate's interval reaches zero)";
      lines.push_back(line + ".");
    }
    const nlohmann::json& burst = answer["burst"];
    if (number(burst, "/ratio") > 1.2) {
      lines.push_back("The first " + burst["requests"].dump() + " requests ran at " +
                      fixed(number(burst, "/requests_per_s"), 2) + " req/s, " +
                      fixed(number(burst, "/ratio"), 1) +
                      "x the sustained rate: an ETA from them would be that much too short.");
    }
  } else {
    lines.push_back("No recommendation: " + recommendation["reason"].get<std::string>());
  }
  lines.push_back("Diagnosis (" + answer["diagnosis"]["effect"].get<std::string>() +
                  "): " + answer["diagnosis"]["summary"].get<std::string>());
  if (answer["diagnosis"]["serialized_server"].get<bool>()) {
    std::string settings;
    for (const nlohmann::json& setting : answer["diagnosis"]["settings_to_check"])
      settings += (settings.empty() ? "" : "; ") + setting.get<std::string>();
    lines.push_back("Server parallelism is about 1. Check: " + settings + ".");
  }
  for (const nlohmann::json& row : answer["batch_size_consistency"]) {
    if (number(row, "/spread") > 0.10)
      lines.push_back("At " + row["workers"].dump() + " workers the sustained rate differs by " +
                      fixed(number(row, "/spread") * 100, 0) +
                      "% between batch sizes: the rate depends on how long the job runs.");
  }
  return lines;
}

ReportTable points_table(const std::vector<nlohmann::json>& points) {
  ReportTable table{
      "",
      {"point", "requests", "sustained req/s [95% CI]", "steady window s", "burst req/s",
       "naive req/s", "drift %/min", "e2e p50/p95/p99 ms", "TTFT p50 ms", "ITL p50 ms", "tokens/s",
       "answers streamed at once", "errors", "server RSS peak MiB"},
      {}};
  for (const nlohmann::json& point : points) {
    const nlohmann::json& metrics = point["metrics"];
    const bool found = metrics["sustained"]["found"].get<bool>();
    table.rows.push_back(
        {point_name(point), metrics["requests"].dump(), rate_cell(metrics),
         found ? fixed(metrics["sustained"]["window_s"][0].get<double>()) + " to " +
                     fixed(metrics["sustained"]["window_s"][1].get<double>())
               : "-",
         fixed(number(metrics, "/burst/requests_per_s"), 2),
         fixed(number(metrics, "/overall_requests_per_s"), 2),
         found ? fixed(number(metrics, "/sustained/drift_per_minute") * 100, 1) : "-",
         fixed(number(metrics, "/latency_ms/p50"), 0) + " / " +
             fixed(number(metrics, "/latency_ms/p95"), 0) + " / " +
             fixed(number(metrics, "/latency_ms/p99"), 0),
         fixed(number(metrics, "/ttft_ms/p50"), 0), fixed(number(metrics, "/itl_ms/p50"), 1),
         found ? fixed(number(metrics, "/sustained/tokens_per_s"), 1) : "-",
         fixed(number(metrics, "/server_concurrency"), 2), errors_cell(metrics),
         memory_cell(point["memory"]["server_rss_mb"])});
  }
  return table;
}

void add_worker_charts(ReportPage& page, const std::vector<nlohmann::json>& points) {
  std::map<std::size_t, reporters::ChartSeries> by_requests;
  reporters::ChartSeries burst{"burst (first requests)", {}};
  reporters::ChartSeries p50{"e2e p50", {}};
  reporters::ChartSeries p95{"e2e p95", {}};
  reporters::ChartSeries rss{"server RSS peak", {}};
  for (const nlohmann::json& point : points) {
    if (!is_closed(point) || !point["metrics"]["sustained"]["found"].get<bool>())
      continue;
    const std::size_t requests = point["point"]["requests"].get<std::size_t>();
    reporters::ChartSeries& series = by_requests[requests];
    series.name = std::to_string(requests) + " requests";
    series.points.emplace_back(point["point"]["workers"].get<double>(),
                               number(point["metrics"], "/sustained/requests_per_s"));
  }
  for (const auto& [workers, point] : level_points(points)) {
    const double x = static_cast<double>(workers);
    burst.points.emplace_back(x, number(point->at("metrics"), "/burst/requests_per_s"));
    p50.points.emplace_back(x, number(point->at("metrics"), "/latency_ms/p50"));
    p95.points.emplace_back(x, number(point->at("metrics"), "/latency_ms/p95"));
    if (point->at("memory")["server_rss_mb"].contains("peak"))
      rss.points.emplace_back(x, number(point->at("memory"), "/server_rss_mb/peak"));
  }
  if (by_requests.empty())
    return;
  reporters::LineChart rate{"Sustained rate vs workers", "workers", "requests/s", {}, true};
  for (auto& [requests, series] : by_requests)
    rate.series.push_back(std::move(series));
  rate.series.push_back(std::move(burst));
  page.chart(std::move(rate));
  page.chart({"Latency vs workers", "workers", "ms", {std::move(p50), std::move(p95)}, true});
  if (!rss.points.empty())
    page.chart({"Server memory vs workers", "workers", "MiB", {std::move(rss)}, true});
}

void add_timeline_chart(ReportPage& page, const nlohmann::json& point) {
  reporters::ChartSeries series{"completions", {}};
  for (const nlohmann::json& sample : point["metrics"]["timeline"])
    series.points.emplace_back(sample[0].get<double>(), sample[1].get<double>());
  page.chart({"Rate over time at " + point_name(point) + " x " + point["point"]["requests"].dump() +
                  " requests",
              "seconds",
              "requests/s",
              {std::move(series)},
              true});
}

void add_open_loop(ReportPage& page, const std::vector<nlohmann::json>& points) {
  reporters::ChartSeries achieved{"achieved (sustained)", {}};
  reporters::ChartSeries offered{"offered", {}};
  reporters::ChartSeries p95{"e2e p95", {}};
  reporters::ChartSeries ttft{"TTFT p95", {}};
  for (const nlohmann::json& point : points) {
    if (is_closed(point))
      continue;
    const double rate = point["point"]["rate"].get<double>();
    offered.points.emplace_back(rate, rate);
    achieved.points.emplace_back(rate, number(point["metrics"], "/sustained/requests_per_s"));
    p95.points.emplace_back(rate, number(point["metrics"], "/latency_ms/p95"));
    ttft.points.emplace_back(rate, number(point["metrics"], "/ttft_ms/p95"));
  }
  if (offered.points.empty())
    return;
  page.heading("Open loop: offered vs achieved");
  page.chart({"Achieved vs offered rate",
              "offered requests/s",
              "requests/s",
              {std::move(offered), std::move(achieved)},
              true});
  page.chart({"Latency vs offered rate (from each arrival)",
              "offered requests/s",
              "ms",
              {std::move(p95), std::move(ttft)},
              true});
}

std::vector<std::string> memory_notes(const std::vector<nlohmann::json>& points) {
  std::set<std::string> notes;
  for (const nlohmann::json& point : points) {
    for (const auto& [source, reading] : point["memory"].items()) {
      if (reading.contains("skipped"))
        notes.insert(source + " skipped: " + reading["skipped"].get<std::string>());
    }
  }
  return {notes.begin(), notes.end()};
}

}  // namespace

nlohmann::json build_sweep_document(const std::vector<nlohmann::json>& points,
                                    const SweepOptions& options, const std::string& model,
                                    std::optional<int> server_pid, bool interrupted) {
  std::vector<WorkerLevel> levels;
  nlohmann::json levels_json = nlohmann::json::array();
  for (const auto& [workers, point] : level_points(points)) {
    const WorkerLevel level = worker_level(*point);
    levels.push_back(level);
    levels_json.push_back({{"workers", level.workers},
                           {"found", level.found},
                           {"requests_per_s", level.rate},
                           {"ci_low", level.ci_low},
                           {"ci_high", level.ci_high},
                           {"latency_p50_ms", level.latency_p50_ms},
                           {"latency_p95_ms", level.latency_p95_ms},
                           {"error_rate", level.error_rate}});
  }
  const RequestShapeOptions& shape = options.shape;
  return {{"schema", "sbench-sweep-results/1"},
          {"generated_at_unix_s", std::time(nullptr)},
          {"interrupted", interrupted},
          {"target",
           {{"url", options.target.url},
            {"backend", options.target.backend},
            {"model", model},
            {"server_pid", server_pid ? nlohmann::json(*server_pid) : nlohmann::json(nullptr)}}},
          {"request_shape",
           {{"sample", shape.sample ? nlohmann::json(shape.sample->string()) : nullptr},
            {"prompt_words", shape.prompt.empty() && !shape.sample ? shape.prompt_words : 0},
            {"max_tokens", shape.max_tokens},
            {"parameters", shape.parameters}}},
          {"points", points},
          {"levels", std::move(levels_json)},
          {"answer", answer_json(points, levels, options)},
          {"goodput", goodput_section(points, options)}};
}

std::vector<std::filesystem::path> write_sweep_reports(const nlohmann::json& document,
                                                       const std::filesystem::path& directory) {
  const std::vector<nlohmann::json> points = document["points"].get<std::vector<nlohmann::json>>();
  ReportPage page("sbench sweep");
  const nlohmann::json& target = document["target"];
  page.paragraph("Target: " + target["url"].get<std::string>() + " (" +
                 target["backend"].get<std::string>() + ", model " +
                 target["model"].get<std::string>() + "). Sustained rates leave out the warm-up " +
                 "(found from token arrivals) and the drain after the last request was sent.");
  if (document["interrupted"].get<bool>())
    page.paragraph("Interrupted: the sweep is incomplete; the same command resumes it.");
  if (const std::vector<std::string> lines = answer_lines(document); !lines.empty()) {
    page.heading("Answer");
    page.bullets(lines);
  }
  const nlohmann::json& goodput = document["goodput"];
  if (!goodput.is_null()) {
    page.heading("Goodput");
    page.paragraph(goodput["best_rate"].is_null()
                       ? "No rate probed met the SLOs " + goodput["slo"].dump() + "."
                       : "Highest rate meeting the SLOs " + goodput["slo"].dump() + ": " +
                             fixed(goodput["best_rate"].get<double>(), 2) + " req/s.");
  }
  page.heading("Points");
  page.table(points_table(points));
  add_worker_charts(page, points);
  const nlohmann::json& answer = document["answer"];
  if (!answer.is_null() && answer["recommendation"]["found"].get<bool>())
    add_timeline_chart(
        page, *level_points(points).at(answer["recommendation"]["workers"].get<std::size_t>()));
  add_open_loop(page, points);
  if (const std::vector<std::string> notes = memory_notes(points); !notes.empty()) {
    page.heading("Memory readings skipped");
    page.bullets(notes);
  }
  std::filesystem::create_directories(directory);
  const std::filesystem::path json_path = directory / "sweep_results.json";
  const std::filesystem::path md_path = directory / "sweep_results.md";
  const std::filesystem::path html_path = directory / "sweep_results.html";
  reporters::write_file_atomically(json_path, json_text(document, 2) + "\n");
  reporters::write_file_atomically(md_path, page.markdown());
  reporters::write_file_atomically(html_path, page.html());
  return {json_path, md_path, html_path};
}

std::string answer_text(const nlohmann::json& document) {
  std::string text;
  for (const std::string& line : answer_lines(document))
    text += line + "\n";
  const nlohmann::json& goodput = document["goodput"];
  if (!goodput.is_null()) {
    if (!goodput["best_rate"].is_null()) {
      text += "Goodput: " + fixed(goodput["best_rate"].get<double>(), 2) +
              " req/s is the highest rate meeting the SLOs.\n";
    } else if (goodput.contains("missed_when_idle")) {
      const nlohmann::json& idle = goodput["missed_when_idle"];
      text += "Goodput: no rate meets the SLOs. At " + fixed(number(idle, "/rate"), 2) +
              " req/s the server was mostly idle (" + fixed(number(idle, "/in_flight"), 2) +
              " requests in flight on average) and requests still took " +
              fixed(number(idle, "/latency_p50_ms"), 1) +
              " ms (median): the SLOs are tighter than one request alone.\n";
    } else {
      text += "Goodput: no rate probed met the SLOs.\n";
    }
  }
  return text;
}

std::string point_summary(const nlohmann::json& point) {
  const nlohmann::json& metrics = point["metrics"];
  std::ostringstream line;
  if (metrics["sustained"]["found"].get<bool>()) {
    line << "sustained " << rate_cell(metrics) << " req/s over "
         << fixed(metrics["sustained"]["window_s"][0].get<double>()) << "-"
         << fixed(metrics["sustained"]["window_s"][1].get<double>()) << " s";
  } else {
    line << "no sustained rate: " << metrics["sustained"]["reason"].get<std::string>();
  }
  line << "; burst " << fixed(number(metrics, "/burst/requests_per_s"), 2) << " req/s; e2e p50 "
       << fixed(number(metrics, "/latency_ms/p50"), 0) << " ms, p95 "
       << fixed(number(metrics, "/latency_ms/p95"), 0) << " ms; errors " << errors_cell(metrics);
  if (point.contains("slo"))
    line << "; SLOs met by " << fixed(number(point, "/slo/met_share") * 100, 1) << "%";
  return line.str();
}

}  // namespace sbench::runner
