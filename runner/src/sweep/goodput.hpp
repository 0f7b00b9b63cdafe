#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "load/request_record.hpp"

namespace sbench::runner {

// How many requests of a point met every SLO in `slo` ({"ttft_ms", "itl_ms",
// "e2e_ms"}, each optional): {"met", "requests", "met_share",
// "goodput_per_s"}. A request meets the ITL SLO when its mean gap between
// tokens does (vLLM's TPOT); a failed request meets none.
nlohmann::json goodput_json(std::span<const RequestRecord> records, const nlohmann::json& slo);

// Requests in flight on average over an open-loop point (Little's law:
// arrival rate x mean latency), from its stored JSON.
double mean_in_flight(const nlohmann::json& point);

// Below this many requests in flight the server sat idle most of the time,
// so a probe that still missed its SLOs would miss them at any lower rate.
inline constexpr double kIdleInFlight = 0.5;

// The highest arrival rate that still meets the SLOs: from a starting rate,
// doubling while probes pass (halving while they fail), then bisecting
// between the last pass and the first failure to within 5%. Halving stops
// once a failed probe found the server idle: each halving doubles a probe's
// duration, and no lower rate can help a request that alone misses the SLO.
class GoodputSearch {
 public:
  explicit GoodputSearch(double start_rate);

  std::optional<double> next() const;  // the rate to probe; nullopt when done
  void record(double rate, bool met, double in_flight);
  std::optional<double> best() const { return passed_; }

 private:
  double start_;
  std::optional<double> passed_;  // the highest rate that met the SLOs
  std::optional<double> failed_;  // the lowest rate that did not
  bool missed_when_idle_ = false;
  int probes_ = 0;
};

}  // namespace sbench::runner
