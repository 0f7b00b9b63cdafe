#include "llamacpp_timings.hpp"

#include "server_json.hpp"

namespace sbench::detail {

ServerTimings parse_llamacpp_timings(const nlohmann::json& timings) {
  ServerTimings parsed;
  parsed.prompt_n = optional_field<std::size_t>(timings, "prompt_n");
  parsed.prompt_ms = optional_field<double>(timings, "prompt_ms");
  parsed.predicted_n = optional_field<std::size_t>(timings, "predicted_n");
  parsed.predicted_ms = optional_field<double>(timings, "predicted_ms");
  parsed.predicted_per_second = optional_field<double>(timings, "predicted_per_second");
  return parsed;
}

}  // namespace sbench::detail
