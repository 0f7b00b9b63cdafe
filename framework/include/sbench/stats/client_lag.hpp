#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

namespace sbench::stats {

// When the harness itself falls behind its schedule the latencies it reports
// are its own (docs/MEASURING.md, "Client lag").
struct ClientLagLimits {
  std::chrono::nanoseconds late_after = std::chrono::milliseconds(1);
  double max_late_fraction = 0.01;
};

struct ClientLag {
  std::size_t requests = 0;
  std::size_t late = 0;  // sent more than late_after after their scheduled time
  double late_fraction = 0;
  std::chrono::nanoseconds worst{0};
  bool lagging = false;  // late_fraction > max_late_fraction: warn and mark the result
};

// `send_delays`: actual minus scheduled send time of each request
// (http::RequestTiming::send_delay()).
ClientLag detect_client_lag(std::span<const std::chrono::nanoseconds> send_delays,
                            const ClientLagLimits& limits = {});

// A one-line warning for a lagging client, empty when it kept up.
std::string client_lag_warning(const ClientLag& lag, const ClientLagLimits& limits = {});

}  // namespace sbench::stats
