#include "sweep/goodput.hpp"

#include <algorithm>

namespace sbench::runner {
namespace {

constexpr int kMaxProbes = 16;
constexpr double kResolution = 0.05;

double milliseconds(LoadClock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

bool meets(const RequestRecord& record, const nlohmann::json& slo) {
  if (!record.ok())
    return false;
  if (slo.contains("e2e_ms") && milliseconds(record.done - record.scheduled) > slo["e2e_ms"])
    return false;
  const bool streamed = !record.token_times.empty();
  if (slo.contains("ttft_ms") &&
      (!streamed || milliseconds(record.token_times.front() - record.scheduled) > slo["ttft_ms"]))
    return false;
  if (slo.contains("itl_ms") && record.token_times.size() > 1) {
    const double mean_gap = milliseconds(record.token_times.back() - record.token_times.front()) /
                            static_cast<double>(record.token_times.size() - 1);
    if (mean_gap > slo["itl_ms"])
      return false;
  }
  return true;
}

}  // namespace

nlohmann::json goodput_json(std::span<const RequestRecord> records, const nlohmann::json& slo) {
  std::size_t met = 0;
  LoadClock::time_point first = LoadClock::time_point::max();
  LoadClock::time_point last = LoadClock::time_point::min();
  for (const RequestRecord& record : records) {
    met += meets(record, slo) ? 1 : 0;
    first = std::min(first, record.scheduled);
    last = std::max(last, record.done);
  }
  const double seconds = records.empty() ? 0 : milliseconds(last - first) / 1000;
  return {{"met", met},
          {"requests", records.size()},
          {"met_share", records.empty() ? 0.0 : static_cast<double>(met) / records.size()},
          {"goodput_per_s", seconds > 0 ? static_cast<double>(met) / seconds : 0.0}};
}

GoodputSearch::GoodputSearch(double start_rate) : start_(start_rate) {}

double mean_in_flight(const nlohmann::json& point) {
  const nlohmann::json& latency = point["metrics"]["latency_ms"];
  if (!latency.contains("mean") || !latency["mean"].is_number())
    return 0;
  return point["point"]["rate"].get<double>() * latency["mean"].get<double>() / 1000;
}

std::optional<double> GoodputSearch::next() const {
  if (probes_ >= kMaxProbes || (missed_when_idle_ && !passed_))
    return std::nullopt;
  if (!passed_ && !failed_)
    return start_;
  // Ten doublings or halvings from the start cover three orders of magnitude;
  // a server outside them gets a clear "none met" rather than endless probes.
  if (!failed_)
    return *passed_ * 2 > start_ * 1024 ? std::nullopt : std::optional<double>(*passed_ * 2);
  if (!passed_)
    return *failed_ / 2 < start_ / 1024 ? std::nullopt : std::optional<double>(*failed_ / 2);
  if ((*failed_ - *passed_) / *failed_ <= kResolution)
    return std::nullopt;
  return (*passed_ + *failed_) / 2;
}

void GoodputSearch::record(double rate, bool met, double in_flight) {
  ++probes_;
  if (met) {
    passed_ = passed_ ? std::max(*passed_, rate) : rate;
  } else {
    failed_ = failed_ ? std::min(*failed_, rate) : rate;
    missed_when_idle_ = missed_when_idle_ || in_flight < kIdleInFlight;
  }
}

}  // namespace sbench::runner
