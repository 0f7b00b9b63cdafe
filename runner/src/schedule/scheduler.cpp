#include "schedule/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <queue>
#include <random>

#include "cache/result_store.hpp"
#include "job/stop_on_signals.hpp"
#include "report/progress.hpp"
#include "schedule/rate_governor.hpp"
#include "suite/answer_checks.hpp"

namespace sbench::runner {
namespace {

using Clock = std::chrono::steady_clock;

// Throttles are the provider's pacing, not the run's fault: they get their
// own, larger bound, so a 429 storm never turns into a retry loop.
constexpr int kThrottlesPerAttempt = 10;
constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30'000};
constexpr std::chrono::milliseconds kIdleTick{250};

struct Completed {
  std::size_t run = 0;
  double charged_tokens = 0;
  Clock::time_point sent;
  ProviderReply reply;
};

// What a run that was never sent fails with, once its provider or model is
// given up.
ProviderReply not_attempted(const std::string& why) {
  ProviderReply reply;
  reply.failure = FailureClass::fatal;
  reply.error_kind = "not_attempted";
  reply.message = why;
  return reply;
}

struct DelayedRun {
  Clock::time_point not_before;
  std::size_t run = 0;
  bool operator>(const DelayedRun& other) const { return not_before > other.not_before; }
};

struct ProviderQueue {
  std::unique_ptr<RateGovernor> governor;
  std::deque<std::size_t> fresh;
  std::priority_queue<DelayedRun, std::vector<DelayedRun>, std::greater<>> delayed;
  std::string fatal;  // set once the provider cannot serve anything
  std::size_t peak_in_flight = 0;
};

struct RunState {
  std::uint16_t sends = 0;     // every try: the attempt number in the store
  std::uint16_t failures = 0;  // tries that failed other than by a throttle
  std::uint16_t throttles = 0;
};

}  // namespace

double estimated_tokens(const Scenario& scenario) {
  std::size_t bytes = 0;
  for (const ChatMessage& message : scenario.messages)
    bytes += message.content.size();
  return static_cast<double>(bytes + 3) / 4 + scenario.max_tokens;
}

struct Scheduler::Impl {
  const RunPlan& plan;
  std::vector<std::unique_ptr<Provider>>& providers;
  ResultStore& store;
  std::string job_id;
  Progress& progress;

  std::vector<ProviderQueue> queues;
  std::vector<RunState> states;  // by plan.runs index
  std::size_t outstanding = 0;   // queued, delayed or in flight
  std::size_t retry_allowance = 0;
  SchedulerOutcome outcome;
  std::mt19937_64 jitter{std::random_device{}()};

  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Completed> completions;

  Impl(const RunPlan& plan_, std::vector<std::unique_ptr<Provider>>& providers_,
       ResultStore& store_, std::string job_id_, Progress& progress_)
      : plan(plan_),
        providers(providers_),
        store(store_),
        job_id(std::move(job_id_)),
        progress(progress_),
        states(plan_.runs.size()) {
    const Clock::time_point now = Clock::now();
    for (const ProviderConfig& provider : plan.config->providers) {
      ProviderQueue queue;
      queue.governor = std::make_unique<RateGovernor>(
          provider.limits, now,
          [this, name = provider.name](std::string event, double window, std::string detail) {
            store.put_limit_event(
                {job_id, name, unix_ms_now(), std::move(event), window, std::move(detail)});
          });
      queues.push_back(std::move(queue));
    }
  }

  void record_attempt(std::size_t index, const ProviderReply& reply, bool final) {
    const PlannedRun& run = plan.runs[index];
    AttemptRecord attempt;
    attempt.job_id = job_id;
    attempt.key = run.key;
    attempt.scenario_id = plan.scenario_of(run).id;
    attempt.model_name = plan.model_of(run).config->name;
    attempt.repeat = static_cast<int>(run.repeat);
    attempt.attempt = states[index].sends;
    attempt.outcome = reply.ok() ? "ok" : reply.error_kind;
    attempt.http_status = reply.http_status;
    attempt.message = reply.message;
    attempt.latency_ms = reply.latency_ms;
    attempt.final = final;
    attempt.at_ms = unix_ms_now();
    store.put_attempt(std::move(attempt));
  }

  void give_up(std::size_t index, const ProviderReply& reply) {
    record_attempt(index, reply, true);
    ++outcome.failed;
    --outstanding;
    progress.failed();
  }

  void fail_provider(std::size_t provider, const std::string& why) {
    ProviderQueue& queue = queues[provider];
    if (!queue.fatal.empty())
      return;
    queue.fatal = why;
    store.put_limit_event({job_id, plan.config->providers[provider].name, unix_ms_now(),
                           "quota_exhausted", queue.governor->window(), why});
    const ProviderReply skipped = not_attempted(why);
    std::size_t count = 0;
    for (; !queue.fresh.empty(); queue.fresh.pop_front(), ++count)
      give_up(queue.fresh.front(), skipped);
    for (; !queue.delayed.empty(); queue.delayed.pop(), ++count)
      give_up(queue.delayed.top().run, skipped);
    outcome.fatal_messages.push_back("provider " + plan.config->providers[provider].name + ": " +
                                     why + "; " + std::to_string(count) +
                                     " queued runs not attempted");
  }

  // A model whose server could not say what it is: its queued runs fail,
  // other models on the same provider go on.
  void fail_model(std::uint32_t model, const std::string& why) {
    const std::size_t provider = plan.models[model].provider;
    ProviderQueue& queue = queues[provider];
    const ProviderReply skipped = not_attempted(why);
    std::deque<std::size_t> kept;
    std::size_t count = 0;
    for (std::size_t index : queue.fresh) {
      if (plan.runs[index].model == model) {
        give_up(index, skipped);
        ++count;
      } else {
        kept.push_back(index);
      }
    }
    queue.fresh.swap(kept);
    outcome.fatal_messages.push_back("model " + plan.models[model].config->name + ": " + why +
                                     "; " + std::to_string(count) + " runs not attempted");
  }

  void succeed(std::size_t index, const Completed& done) {
    const PlannedRun& run = plan.runs[index];
    const Scenario& scenario = plan.scenario_of(run);
    const CheckOutcome checks = run_checks(scenario.checks, done.reply.text);
    StoredResult result;
    result.key = run.key;
    result.manifest = plan.manifest_of(run).dump();
    result.scenario_id = scenario.id;
    result.model_name = plan.model_of(run).config->name;
    result.repeat = static_cast<int>(run.repeat);
    result.template_sha256 = scenario.template_sha256;
    result.scenario_sha256 = scenario.sha256;
    result.answer = done.reply.text;
    result.prompt_tokens = done.reply.prompt_tokens.value_or(0);
    result.completion_tokens = done.reply.completion_tokens.value_or(0);
    result.latency_ms = done.reply.latency_ms;
    result.checks_passed = checks.passed;
    result.check_failures = nlohmann::json(checks.failures).dump();
    result.finished_at_ms = unix_ms_now();
    record_attempt(index, done.reply, false);
    ++outcome.succeeded;
    --outstanding;
    // A run counts as done only once its row is on disk.
    store.put_result(job_id, std::move(result), ResultSource::ran, [this] { progress.ran(); });
  }

  std::chrono::milliseconds backoff(int attempt) {
    const auto base = std::min<long long>(kMaxBackoff.count(), kFirstBackoff.count()
                                                                   << std::min(attempt - 1, 10));
    std::uniform_real_distribution<double> spread(0.5, 1.5);
    return std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(base) * spread(jitter)));
  }

  void handle(Completed& done, Clock::time_point now) {
    const std::size_t index = done.run;
    const PlannedRun& run = plan.runs[index];
    const std::size_t provider = plan.model_of(run).provider;
    ProviderQueue& queue = queues[provider];
    ProviderReply& reply = done.reply;
    RunState& state = states[index];
    const int max_attempts = plan.config->job.max_attempts;

    if (reply.ok()) {
      std::optional<double> used;
      if (reply.prompt_tokens || reply.completion_tokens)
        used = static_cast<double>(reply.prompt_tokens.value_or(0) +
                                   reply.completion_tokens.value_or(0));
      queue.governor->succeeded(done.charged_tokens, used, reply.limits, now);
      succeed(index, done);
      return;
    }
    if (reply.failure == FailureClass::throttled)
      queue.governor->throttled(reply.retry_after, reply.limits, done.sent, now);
    else
      queue.governor->failed(reply.failure == FailureClass::timeout, done.sent, now);
    // A provider already given up on takes back nothing it still had out.
    if (!queue.fatal.empty()) {
      give_up(index, reply);
      return;
    }
    if (reply.failure == FailureClass::throttled) {
      ++state.throttles;
      progress.throttled();
      const std::chrono::milliseconds wait = reply.retry_after.value_or(std::chrono::seconds(1));
      if (wait > plan.config->job.max_wait) {
        fail_provider(provider, "Retry-After " + std::to_string(wait.count() / 1000) +
                                    " s is longer than max_wait_s " +
                                    std::to_string(plan.config->job.max_wait.count() / 1000) +
                                    " (an exhausted quota)");
        give_up(index, reply);
        return;
      }
      if (state.throttles > kThrottlesPerAttempt * max_attempts) {
        reply.message = "throttled " + std::to_string(state.throttles) + " times; " + reply.message;
        give_up(index, reply);
        return;
      }
      // The provider's pacing, not the run's fault: no attempt and no share
      // of the job's retry budget is spent.
      record_attempt(index, reply, false);
      ++outcome.throttle_retries;
      queue.delayed.push({std::max(now + wait, queue.governor->paused_until()), index});
      return;
    }
    if (reply.failure == FailureClass::fatal) {
      fail_provider(provider, reply.message.empty() ? reply.error_kind : reply.message);
      give_up(index, reply);
      return;
    }
    ++state.failures;
    const bool retryable = reply.failure != FailureClass::client_error;
    if (!retryable || state.failures >= max_attempts) {
      give_up(index, reply);
      return;
    }
    if (outcome.retries >= retry_allowance) {
      if (!outcome.retry_budget_exhausted)
        progress.note("the job's retry budget (" + std::to_string(retry_allowance) +
                      " retries) is spent: failures are final from now on");
      outcome.retry_budget_exhausted = true;
      give_up(index, reply);
      return;
    }
    record_attempt(index, reply, false);
    ++outcome.retries;
    queue.delayed.push({now + backoff(state.failures), index});
  }

  // Starts what each governor admits; returns when to look again.
  Clock::time_point dispatch(Clock::time_point now) {
    Clock::time_point next = now + kIdleTick;
    for (std::size_t p = 0; p < queues.size(); ++p) {
      ProviderQueue& queue = queues[p];
      while (queue.fatal.empty()) {
        std::size_t index = 0;
        const bool due = !queue.delayed.empty() && queue.delayed.top().not_before <= now;
        if (due)
          index = queue.delayed.top().run;
        else if (!queue.fresh.empty())
          index = queue.fresh.front();
        else
          break;
        const PlannedRun& run = plan.runs[index];
        const Scenario& scenario = plan.scenario_of(run);
        const double tokens = estimated_tokens(scenario);
        const RateGovernor::Admission admission = queue.governor->admit(tokens, now);
        if (!admission.admitted) {
          if (admission.retry_at)
            next = std::min(next, *admission.retry_at);
          break;
        }
        if (due)
          queue.delayed.pop();
        else
          queue.fresh.pop_front();
        queue.peak_in_flight = std::max(queue.peak_in_flight, queue.governor->in_flight());
        ++states[index].sends;
        providers[p]->start(scenario, *plan.model_of(run).config,
                            [this, index, tokens, sent = now](ProviderReply reply) {
                              {
                                std::lock_guard lock(mutex);
                                completions.push_back({index, tokens, sent, std::move(reply)});
                              }
                              wake.notify_one();
                            });
      }
      if (!queue.delayed.empty())
        next = std::min(next, queue.delayed.top().not_before);
    }
    return next;
  }

  std::size_t in_flight() const {
    std::size_t total = 0;
    for (const ProviderQueue& queue : queues)
      total += queue.governor->in_flight();
    return total;
  }
};

Scheduler::Scheduler(const RunPlan& plan, std::vector<std::unique_ptr<Provider>>& providers,
                     ResultStore& store, std::string job_id, Progress& progress)
    : impl_(std::make_unique<Impl>(plan, providers, store, std::move(job_id), progress)) {}

Scheduler::~Scheduler() = default;

SchedulerOutcome Scheduler::run(const std::vector<std::size_t>& runs,
                                const std::atomic<bool>& stop) {
  Impl& impl = *impl_;
  impl.retry_allowance =
      std::max<std::size_t>(10, static_cast<std::size_t>(impl.plan.config->job.retry_budget *
                                                         static_cast<double>(runs.size())));
  for (std::size_t index : runs) {
    const PlannedRun& run = impl.plan.runs[index];
    impl.queues[impl.plan.model_of(run).provider].fresh.push_back(index);
    ++impl.outstanding;
  }
  for (std::uint32_t m = 0; m < impl.plan.models.size(); ++m) {
    if (!impl.plan.models[m].identity_error.empty())
      impl.fail_model(m, impl.plan.models[m].identity_error);
  }
  std::vector<Completed> batch;
  // After a stop, answers already on their way are still worth keeping, for
  // a little while; what is still out after that is redone by the next start.
  Clock::time_point stop_deadline = Clock::time_point::max();
  while (impl.outstanding > 0) {
    if ((stop || impl.store.write_failed()) && !impl.outcome.interrupted) {
      impl.outcome.interrupted = true;
      stop_deadline = Clock::now() + kStopGrace;
    }
    if (impl.outcome.interrupted && (impl.in_flight() == 0 || Clock::now() >= stop_deadline))
      break;
    const Clock::time_point next =
        impl.outcome.interrupted ? stop_deadline : impl.dispatch(Clock::now());
    std::unique_lock lock(impl.mutex);
    impl.wake.wait_until(lock, next, [&] {
      return !impl.completions.empty() ||
             ((stop || impl.store.write_failed()) && !impl.outcome.interrupted);
    });
    batch.swap(impl.completions);
    lock.unlock();
    const Clock::time_point now = Clock::now();
    for (Completed& done : batch)
      impl.handle(done, now);
    batch.clear();
  }
  const Clock::time_point now = Clock::now();
  for (std::size_t p = 0; p < impl.queues.size(); ++p) {
    const ProviderQueue& queue = impl.queues[p];
    impl.outcome.providers.push_back(
        {impl.plan.config->providers[p].name,
         std::chrono::duration<double>(queue.governor->backoff_time(now)).count(),
         std::chrono::duration<double>(queue.governor->serving_time(now)).count(),
         queue.governor->window(), queue.peak_in_flight});
  }
  return impl.outcome;
}

}  // namespace sbench::runner
