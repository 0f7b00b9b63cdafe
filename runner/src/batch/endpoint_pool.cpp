#include "batch/endpoint_pool.hpp"

#include <algorithm>

namespace sbench::runner {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kLongestBackoff{30'000};

}  // namespace

EndpointPool::EndpointPool(const std::vector<std::string>& urls, std::size_t workers_each)
    : workers_each_(workers_each) {
  for (const std::string& url : urls)
    endpoints_.push_back({url, parse_base_url(url, "--endpoint")});
}

std::optional<std::size_t> EndpointPool::pick() const {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    const Endpoint& endpoint = endpoints_[i];
    if (!endpoint.healthy || endpoint.in_flight >= workers_each_)
      continue;
    if (!best || endpoint.in_flight < endpoints_[*best].in_flight)
      best = i;
  }
  return best;
}

void EndpointPool::answered(std::size_t endpoint) {
  Endpoint& e = endpoints_[endpoint];
  e.healthy = true;
  e.backoff = std::chrono::milliseconds(0);
}

void EndpointPool::unreachable(std::size_t endpoint, Clock::time_point now, const std::string&) {
  Endpoint& e = endpoints_[endpoint];
  if (!e.healthy)
    return;
  e.healthy = false;
  e.backoff = kFirstBackoff;
  e.next_probe = now + e.backoff;
}

std::vector<std::size_t> EndpointPool::due_for_probe(Clock::time_point now) {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    Endpoint& e = endpoints_[i];
    if (!e.healthy && !e.probing && e.next_probe <= now) {
      e.probing = true;
      due.push_back(i);
    }
  }
  return due;
}

void EndpointPool::probe_result(std::size_t endpoint, bool up, Clock::time_point now) {
  Endpoint& e = endpoints_[endpoint];
  e.probing = false;
  if (up) {
    answered(endpoint);
    return;
  }
  e.backoff = std::min(kLongestBackoff, e.backoff * 2);
  e.next_probe = now + e.backoff;
}

bool EndpointPool::any_healthy() const {
  return std::any_of(endpoints_.begin(), endpoints_.end(),
                     [](const Endpoint& e) { return e.healthy; });
}

std::size_t EndpointPool::in_flight() const {
  std::size_t total = 0;
  for (const Endpoint& e : endpoints_)
    total += e.in_flight;
  return total;
}

EndpointPool::Clock::time_point EndpointPool::next_probe() const {
  Clock::time_point soonest = Clock::time_point::max();
  for (const Endpoint& e : endpoints_) {
    if (!e.healthy && !e.probing)
      soonest = std::min(soonest, e.next_probe);
  }
  return soonest;
}

}  // namespace sbench::runner
