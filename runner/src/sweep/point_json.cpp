#include "sweep/point_json.hpp"

namespace sbench::runner {
namespace {

nlohmann::json latency_json(const LatencySummary& latency) {
  return {{"n", latency.n},
          {"mean", latency.mean},
          {"p50", latency.p50},
          {"p95", latency.p95},
          {"p99", latency.p99}};
}

nlohmann::json track_json(const MemoryTrack& track) {
  nlohmann::json json = nlohmann::json::object();
  if (track.first)
    json = {{"first", *track.first}, {"peak", *track.peak}, {"last", *track.last}};
  return json;
}

nlohmann::json reading_json(const MemoryTrack& track, const std::string& skipped) {
  if (!track.peak)
    return {{"skipped", skipped.empty() ? "no reading" : skipped}};
  return track_json(track);
}

double number_at(const nlohmann::json& json, const nlohmann::json::json_pointer& pointer) {
  return json.contains(pointer) && json[pointer].is_number() ? json[pointer].get<double>() : 0.0;
}

}  // namespace

nlohmann::json metrics_json(const PointMetrics& metrics) {
  const SustainedRate& sustained = metrics.sustained;
  nlohmann::json sustained_json = {{"found", sustained.found}};
  if (sustained.found) {
    sustained_json.update({{"requests_per_s", sustained.requests_per_s},
                           {"tokens_per_s", sustained.tokens_per_s},
                           {"ci_low", sustained.ci_low},
                           {"ci_high", sustained.ci_high},
                           {"relative_half_width", sustained.relative_half_width},
                           {"window_s", {sustained.begin_s, sustained.end_s}},
                           {"warmup_s", sustained.warmup_s},
                           {"drift_per_minute", sustained.drift_per_minute},
                           {"cv", sustained.cv},
                           {"bins", sustained.bins}});
  } else {
    sustained_json["reason"] = sustained.reason;
  }
  nlohmann::json timeline = nlohmann::json::array();
  for (const RatePoint& point : metrics.timeline)
    timeline.push_back({point.t_s, point.requests_per_s});
  return {{"requests", metrics.requests},
          {"succeeded", metrics.succeeded},
          {"failed", metrics.failed},
          {"error_rate", metrics.error_rate},
          {"errors", metrics.errors},
          {"duration_s", metrics.duration_s},
          {"overall_requests_per_s", metrics.overall_requests_per_s},
          {"sustained", std::move(sustained_json)},
          {"burst",
           {{"requests", metrics.burst.requests},
            {"seconds", metrics.burst.seconds},
            {"requests_per_s", metrics.burst.requests_per_s}}},
          {"latency_ms", latency_json(metrics.latency_ms)},
          {"ttft_ms", latency_json(metrics.ttft_ms)},
          {"itl_ms", latency_json(metrics.itl_ms)},
          {"mean_completion_tokens", metrics.mean_completion_tokens},
          {"server_concurrency", metrics.server_concurrency},
          {"timeline", std::move(timeline)}};
}

nlohmann::json memory_json(const PointMemory& memory) {
  nlohmann::json gauges = nlohmann::json::object();
  for (const auto& [name, track] : memory.gauges)
    gauges[name] = track_json(track);
  if (gauges.empty())
    gauges = {{"skipped", memory.gauges_skipped.empty() ? "the server reported no memory gauges"
                                                        : memory.gauges_skipped}};
  return {{"server_rss_mb", reading_json(memory.rss_mb, memory.rss_skipped)},
          {"gauges", std::move(gauges)},
          {"gpu_used_mb", reading_json(memory.gpu_used_mb, memory.gpu_skipped)}};
}

WorkerLevel worker_level(const nlohmann::json& point) {
  using Pointer = nlohmann::json::json_pointer;
  const nlohmann::json& metrics = point["metrics"];
  WorkerLevel level;
  level.workers = point["point"]["workers"].get<std::size_t>();
  level.found = metrics.contains(Pointer("/sustained/found")) &&
                metrics[Pointer("/sustained/found")].get<bool>();
  level.rate = number_at(metrics, Pointer("/sustained/requests_per_s"));
  level.ci_low = number_at(metrics, Pointer("/sustained/ci_low"));
  level.ci_high = number_at(metrics, Pointer("/sustained/ci_high"));
  level.latency_p50_ms = number_at(metrics, Pointer("/latency_ms/p50"));
  level.latency_p95_ms = number_at(metrics, Pointer("/latency_ms/p95"));
  level.error_rate = number_at(metrics, Pointer("/error_rate"));
  level.server_concurrency = number_at(metrics, Pointer("/server_concurrency"));
  return level;
}

}  // namespace sbench::runner
