#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sbench::runner {

using LoadClock = std::chrono::steady_clock;

// One request of a load run (a sweep point or a batch job) as the client saw
// it. Latency starts at `scheduled`: in an open-loop run that is the arrival
// the schedule gave the request, so time spent queued in the client counts.
struct RequestRecord {
  LoadClock::time_point scheduled{};
  LoadClock::time_point sent{};
  LoadClock::time_point done{};
  // Arrival of each streamed piece of the answer that carried text (an SSE
  // chunk or an NDJSON line); empty when the answer was not streamed.
  std::vector<LoadClock::time_point> token_times;
  std::int64_t prompt_tokens = 0;
  // The server's count when it gave one, else the number of streamed pieces.
  std::int64_t completion_tokens = 0;
  std::string error_kind;  // empty on success: rate_limited, http_status, idle_timeout, ...

  bool ok() const { return error_kind.empty(); }
};

}  // namespace sbench::runner
