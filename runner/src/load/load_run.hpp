#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "load/load_target.hpp"
#include "load/request_record.hpp"

namespace sbench::runner {

// One load run: `requests` requests, either closed loop (`workers` > 0: each
// worker sends its next request when its last one is answered) or open loop
// (each request at its arrival time, `arrivals_s` after the start; at most
// `max_in_flight` at once, the rest wait in the client and their latency
// counts from the arrival).
struct LoadPlan {
  std::size_t requests = 0;
  std::size_t workers = 0;
  std::vector<double> arrivals_s;
  std::size_t max_in_flight = 1024;
};

struct LoadSnapshot {
  std::size_t done = 0;  // answered, failures included
  std::size_t failed = 0;
  std::size_t in_flight = 0;
  double elapsed_s = 0;
};

struct LoadObserver {
  // Asked about once a second with the records so far: true stops sending
  // new requests (those in flight still finish), e.g. when a sustained-rate
  // interval is tight enough.
  std::function<bool(std::span<const RequestRecord>)> enough;
  // About once a second, on the calling thread: progress, memory samples.
  std::function<void(const LoadSnapshot&)> tick;
};

struct LoadResult {
  std::vector<RequestRecord> records;  // in the order they finished
  bool stopped_early = false;          // `enough` said so
  bool interrupted = false;            // `stop` was set; requests still out were abandoned
};

using BodyOf = std::function<nlohmann::json(std::size_t index)>;

LoadResult run_load(const LoadTarget& target, const BodyOf& body_of, const LoadPlan& plan,
                    const LoadObserver& observer, const std::atomic<bool>& stop);

}  // namespace sbench::runner
