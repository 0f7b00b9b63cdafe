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

// The highest arrival rate that still meets the SLOs: from a starting rate,
// doubling while probes pass (halving while they fail), then bisecting
// between the last pass and the first failure to within 5%.
class GoodputSearch {
 public:
  explicit GoodputSearch(double start_rate);

  std::optional<double> next() const;  // the rate to probe; nullopt when done
  void record(double rate, bool met);
  std::optional<double> best() const { return passed_; }

 private:
  double start_;
  std::optional<double> passed_;  // the highest rate that met the SLOs
  std::optional<double> failed_;  // the lowest rate that did not
  int probes_ = 0;
};

}  // namespace sbench::runner
