#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "providers/base_url.hpp"

namespace sbench::runner {

// The servers a batch job feeds, each with its share of requests in flight
// and its health. A server that stops answering (refused, reset, timed out,
// 502/503) is set aside and probed with a growing back-off until it answers
// again, so a dead server pauses its share of the job instead of failing it.
class EndpointPool {
 public:
  using Clock = std::chrono::steady_clock;

  EndpointPool(const std::vector<std::string>& urls, std::size_t workers_each);

  // A healthy endpoint with a free worker, the least busy first.
  std::optional<std::size_t> pick() const;
  void started(std::size_t endpoint) { ++endpoints_[endpoint].in_flight; }
  void finished(std::size_t endpoint) { --endpoints_[endpoint].in_flight; }

  void answered(std::size_t endpoint);  // any HTTP answer: the server is up
  void unreachable(std::size_t endpoint, Clock::time_point now, const std::string& why);
  // Endpoints due for a health probe now; each is then not due again until
  // its probe is answered.
  std::vector<std::size_t> due_for_probe(Clock::time_point now);
  void probe_result(std::size_t endpoint, bool up, Clock::time_point now);

  bool any_healthy() const;
  std::size_t in_flight() const;
  std::size_t size() const { return endpoints_.size(); }
  const BaseUrl& url(std::size_t endpoint) const { return endpoints_[endpoint].url; }
  const std::string& name(std::size_t endpoint) const { return endpoints_[endpoint].name; }
  // The soonest moment a probe is due, for the caller's wait.
  Clock::time_point next_probe() const;

 private:
  struct Endpoint {
    std::string name;
    BaseUrl url;
    std::size_t in_flight = 0;
    bool healthy = true;
    bool probing = false;
    std::chrono::milliseconds backoff{0};
    Clock::time_point next_probe{};
  };
  std::vector<Endpoint> endpoints_;
  std::size_t workers_each_;
};

}  // namespace sbench::runner
