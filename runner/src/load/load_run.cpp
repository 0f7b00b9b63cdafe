#include "load/load_run.hpp"

#include <condition_variable>
#include <mutex>

#include "job/stop_on_signals.hpp"
#include "sbench/http/client.hpp"

namespace sbench::runner {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kTick{1'000};
// How far ahead of its arrival an open-loop request is handed to the client,
// which then sends it on time; the feeder itself only has to wake this often.
constexpr milliseconds kFeedAhead{200};
constexpr milliseconds kFeedInterval{20};

// What the completions (on the client thread) and the feeding thread share.
struct LoadState {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<RequestRecord> records;
  std::size_t next = 0;  // the next request to send
  std::size_t in_flight = 0;
  std::size_t failed = 0;
  bool feeding = true;
};

class LoadRunner {
 public:
  LoadRunner(const LoadTarget& target, const BodyOf& body_of, const LoadPlan& plan)
      : target_(target), body_of_(body_of), plan_(plan) {
    state_.records.reserve(plan.requests);
  }

  LoadResult run(const LoadObserver& observer, const std::atomic<bool>& stop) {
    const LoadClock::time_point start = LoadClock::now();
    LoadResult result;
    if (plan_.workers > 0) {
      std::lock_guard lock(state_.mutex);
      for (std::size_t w = 0; w < plan_.workers && state_.next < plan_.requests; ++w)
        send_next_locked({});
    }
    LoadClock::time_point next_tick = start + kTick;
    LoadClock::time_point stop_deadline = LoadClock::time_point::max();
    std::unique_lock lock(state_.mutex);
    while (true) {
      if (plan_.workers == 0 && state_.feeding)
        feed_arrivals_locked(start);
      const bool all_sent = state_.next >= plan_.requests || !state_.feeding;
      if (all_sent && state_.in_flight == 0)
        break;
      if (stop && !result.interrupted) {
        result.interrupted = true;
        state_.feeding = false;
        stop_deadline = LoadClock::now() + kStopGrace;
      }
      if (LoadClock::now() >= stop_deadline)
        break;
      const LoadClock::time_point wake =
          std::min({next_tick, stop_deadline,
                    plan_.workers == 0 && state_.feeding ? LoadClock::now() + kFeedInterval
                                                         : LoadClock::time_point::max()});
      state_.changed.wait_until(lock, wake);
      if (LoadClock::now() < next_tick)
        continue;
      next_tick = LoadClock::now() + kTick;
      const LoadSnapshot snapshot{state_.records.size(), state_.failed, state_.in_flight,
                                  std::chrono::duration<double>(LoadClock::now() - start).count()};
      std::vector<RequestRecord> so_far;
      if (observer.enough && state_.feeding)
        so_far = state_.records;
      lock.unlock();
      if (observer.tick)
        observer.tick(snapshot);
      const bool enough = observer.enough && !so_far.empty() && observer.enough(so_far);
      lock.lock();
      if (enough && state_.feeding) {
        state_.feeding = false;
        result.stopped_early = true;
      }
    }
    lock.unlock();
    // Requests still out after an interrupt are abandoned with the client;
    // their completions never run, so the records are safe to move.
    client_.reset();
    result.records = std::move(state_.records);
    return result;
  }

 private:
  void send_next_locked(LoadClock::time_point scheduled) {
    const std::size_t index = state_.next++;
    ++state_.in_flight;
    auto prepared = std::make_shared<PreparedRequest>(target_.prepare(body_of_(index), scheduled));
    http::Request request = prepared->request;
    client_->submit(target_.endpoint(), std::move(request),
                    [this, prepared](http::Response response) { finished(response, *prepared); });
  }

  void finished(const http::Response& response, const PreparedRequest& prepared) {
    RequestRecord record = target_.read(response, prepared);
    std::lock_guard lock(state_.mutex);
    state_.failed += record.ok() ? 0 : 1;
    state_.records.push_back(std::move(record));
    --state_.in_flight;
    if (plan_.workers > 0 && state_.feeding && state_.next < plan_.requests)
      send_next_locked({});
    state_.changed.notify_all();
  }

  void feed_arrivals_locked(LoadClock::time_point start) {
    const LoadClock::time_point horizon = LoadClock::now() + kFeedAhead;
    while (state_.next < plan_.requests && state_.in_flight < plan_.max_in_flight) {
      const auto arrival =
          start + std::chrono::duration_cast<LoadClock::duration>(
                      std::chrono::duration<double>(plan_.arrivals_s[state_.next]));
      if (arrival > horizon)
        break;
      send_next_locked(arrival);
    }
  }

  const LoadTarget& target_;
  const BodyOf& body_of_;
  const LoadPlan& plan_;
  LoadState state_;
  // Declared last: destroyed first, so no completion runs on a dead state.
  std::unique_ptr<http::Client> client_ = std::make_unique<http::Client>();
};

}  // namespace

LoadResult run_load(const LoadTarget& target, const BodyOf& body_of, const LoadPlan& plan,
                    const LoadObserver& observer, const std::atomic<bool>& stop) {
  LoadRunner runner(target, body_of, plan);
  return runner.run(observer, stop);
}

}  // namespace sbench::runner
