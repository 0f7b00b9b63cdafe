#include "sbench/stats/client_lag.hpp"

#include <algorithm>
#include <cstdio>

namespace sbench::stats {

ClientLag detect_client_lag(std::span<const std::chrono::nanoseconds> send_delays,
                            const ClientLagLimits& limits) {
  ClientLag lag;
  lag.requests = send_delays.size();
  for (const auto delay : send_delays) {
    lag.worst = std::max(lag.worst, delay);
    if (delay > limits.late_after)
      ++lag.late;
  }
  if (lag.requests > 0)
    lag.late_fraction = static_cast<double>(lag.late) / static_cast<double>(lag.requests);
  lag.lagging = lag.late_fraction > limits.max_late_fraction;
  return lag;
}

std::string client_lag_warning(const ClientLag& lag, const ClientLagLimits& limits) {
  if (!lag.lagging)
    return {};
  char text[200];
  std::snprintf(text, sizeof text,
                "client lagging: %zu of %zu requests (%.1f%%) sent more than %.3f ms late "
                "(worst %.3f ms); latencies include the harness's own delay",
                lag.late, lag.requests, 100.0 * lag.late_fraction,
                std::chrono::duration<double, std::milli>(limits.late_after).count(),
                std::chrono::duration<double, std::milli>(lag.worst).count());
  return text;
}

}  // namespace sbench::stats
