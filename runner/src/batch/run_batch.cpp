// `sbench batch run`: the queue's unfinished jobs in order, each answer
// committed (output or error line synced, then the index) before it counts.
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <variant>

#include "batch/batch_format.hpp"
#include "batch/batch_queue.hpp"
#include "batch/endpoint_pool.hpp"
#include "cache/append_file.hpp"
#include "cache/result_store.hpp"
#include "config/toml_json.hpp"
#include "job/command_errors.hpp"
#include "job/stop_on_signals.hpp"
#include "load/load_progress.hpp"
#include "report/progress.hpp"
#include "report/report_page.hpp"
#include "sbench/exit_codes.hpp"
#include "sbench/http/client.hpp"
#include "sbench/runner/batch.hpp"
#include "sweep/point_analysis.hpp"

namespace sbench::runner {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kDefaultWorkers = 8;
constexpr std::size_t kPageRows = 4096;
// A commit covers at most this many answers or this much time: few enough
// fsyncs to keep up with thousands of answers a second, little enough lost
// (only resent) when the process dies.
constexpr std::size_t kCommitRows = 2048;
constexpr milliseconds kCommitInterval{100};
constexpr milliseconds kTick{1'000};
constexpr milliseconds kRetryBase{1'000};

std::size_t workers_from_sweep(const BatchRunOptions& options, std::ostream& out) {
  if (options.workers > 0)
    return options.workers;
  const std::filesystem::path file =
      options.sweep_results.value_or(std::filesystem::path("sweep") / "sweep_results.json");
  std::ifstream in(file);
  const nlohmann::json results = nlohmann::json::parse(in, nullptr, false);
  const nlohmann::json::json_pointer at("/answer/recommendation/workers");
  if (in && results.is_object() && results.contains(at) && results[at].is_number_unsigned() &&
      results[at].get<std::size_t>() > 0) {
    out << "sbench batch: " << results[at].get<std::size_t>() << " workers per endpoint, as "
        << file.string() << " recommends\n";
    return results[at].get<std::size_t>();
  }
  if (options.sweep_results)
    throw InputError("--sweep-results: " + file.string() + " holds no recommended worker count");
  out << "sbench batch: " << kDefaultWorkers
      << " workers per endpoint (no --workers and no sweep/sweep_results.json)\n";
  return kDefaultWorkers;
}

// What comes back from the client thread.
struct Answer {
  std::int64_t line = 0;
  std::size_t endpoint = 0;
  http::Response response;
};

struct InFlightRow {
  PendingRow row;
  std::string custom_id;
};

class JobRun {
 public:
  JobRun(const BatchRunOptions& options, BatchQueue& queue, const BatchJob& job,
         std::size_t workers, const std::atomic<bool>& stop, std::ostream& out, std::ostream& err)
      : options_(options),
        queue_(queue),
        job_(job),
        stop_(stop),
        out_(out),
        err_(err),
        pool_(options.endpoints, workers),
        progress_(err, options.progress, options.progress_interval) {
    if (!options.target.api_key_env.empty()) {
      const char* key = std::getenv(options.target.api_key_env.c_str());
      if (key == nullptr || *key == '\0')
        throw InputError("--api-key-env: the environment variable " + options.target.api_key_env +
                         " is not set");
      authorization_ = std::string("Bearer ") + key;
    }
  }

  // exit_ok when the job finished, kExitInterrupted when stopped; throws on
  // an error that stops it (its committed answers stay).
  int run() {
    require_unchanged_input(job_);
    output_.emplace(job_.output, job_.output_bytes);
    errors_.emplace(job_.errors, job_.error_bytes);
    input_fd_ = ::open(job_.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (input_fd_ < 0)
      throw std::runtime_error("cannot read " + job_.input.string());
    queue_.set_status(job_.id, "running");
    committed_done_ = job_.done;
    committed_failed_ = job_.failed;
    out_ << "sbench batch: job " << job_.id << " (" << job_.name << "): " << job_.rows
         << " requests, " << job_.done + job_.failed << " answered earlier, " << job_.remaining()
         << " to go; output " << job_.output.string() << "\n"
         << std::flush;
    started_ = Clock::now();
    const int code = loop();
    ::close(input_fd_);
    progress_.finish();
    return code;
  }

 private:
  int loop() {
    Clock::time_point next_commit = Clock::now() + kCommitInterval;
    Clock::time_point next_tick = Clock::now() + kTick;
    Clock::time_point stop_deadline = Clock::time_point::max();
    // When every endpoint went down; max while any is up.
    Clock::time_point paused_since = Clock::time_point::max();
    bool stopping = false;
    while (true) {
      const Clock::time_point now = Clock::now();
      if (stop_ && !stopping) {
        stopping = true;
        stop_deadline = now + kStopGrace;
      }
      if (!stopping)
        dispatch(now);
      probe_endpoints(now);
      take_answers(now);
      if (pool_.any_healthy() || pool_.in_flight() > 0) {
        paused_since = Clock::time_point::max();
      } else if (paused_since == Clock::time_point::max()) {
        paused_since = now;
        progress_.finish();
        err_ << "sbench batch: every endpoint is down; the job waits, probing them\n";
      } else if (now - paused_since > options_.max_pause) {
        commit();
        throw std::runtime_error(
            "every endpoint stayed down for " +
            duration_text(std::chrono::duration<double>(options_.max_pause).count()) +
            " (--max-pause); the answers so far are kept and the next "
            "`sbench batch run` resumes");
      }
      const bool drained = pool_.in_flight() == 0;
      if (stopping && (drained || now >= stop_deadline)) {
        commit();
        if (cancelled_) {
          out_ << "sbench batch: job " << job_.id << " cancelled; its answers so far are kept\n";
          return exit_ok;
        }
        return kExitInterrupted;
      }
      if (!stopping && drained && retries_.empty() && exhausted_ && finished_.empty()) {
        queue_.set_status(job_.id, "done");
        summarize();
        return exit_ok;
      }
      if (finished_.size() >= kCommitRows || now >= next_commit) {
        commit();
        next_commit = now + kCommitInterval;
      }
      if (now >= next_tick) {
        show_progress();
        next_tick = now + kTick;
        // `sbench batch cancel` from another shell: stop sending, keep what
        // was answered.
        if (!stopping && queue_.job(job_.id)->status == "cancelled") {
          stopping = true;
          cancelled_ = true;
          stop_deadline = now + kStopGrace;
        }
      }
      // A retry that is due only wakes the loop when a worker is free for it.
      const Clock::time_point retry = pool_.pick() ? next_retry() : Clock::time_point::max();
      std::unique_lock lock(mutex_);
      answered_.wait_until(
          lock, std::min({next_commit, next_tick, pool_.next_probe(), retry, stop_deadline}),
          [&] { return !answers_.empty() || (stop_ && !stopping); });
    }
  }

  Clock::time_point next_retry() const {
    return retries_.empty() ? Clock::time_point::max() : retries_.front().first;
  }

  // Fills every free worker of every healthy endpoint: retries that are due
  // first, then the next rows of the file.
  void dispatch(Clock::time_point now) {
    while (const std::optional<std::size_t> endpoint = pool_.pick()) {
      std::optional<PendingRow> row;
      if (!retries_.empty() && retries_.front().first <= now) {
        row = std::move(retries_.front().second);
        retries_.pop_front();
      } else {
        row = next_row();
      }
      if (!row)
        return;
      send(*endpoint, std::move(*row));
    }
  }

  std::optional<PendingRow> next_row() {
    while (page_at_ >= page_.size()) {
      if (exhausted_)
        return std::nullopt;
      page_ = queue_.pending(job_.id, cursor_, kPageRows);
      page_at_ = 0;
      if (page_.empty()) {
        exhausted_ = true;
        return std::nullopt;
      }
      cursor_ = page_.back().line;
    }
    return std::move(page_[page_at_++]);
  }

  void send(std::size_t endpoint, PendingRow row) {
    if (!row.problem_code.empty()) {
      fail_row(row, row.custom_id, row.problem_code, row.problem_message, std::nullopt, "");
      return;
    }
    std::string text(static_cast<std::size_t>(row.length), '\0');
    if (::pread(input_fd_, text.data(), text.size(), row.offset) !=
        static_cast<ssize_t>(text.size()))
      throw std::runtime_error("cannot read line " + std::to_string(row.line) + " of " +
                               job_.input.string());
    if (!text.empty() && text.back() == '\r')
      text.pop_back();
    ParsedLine parsed = parse_batch_line(text, static_cast<std::size_t>(row.line));
    if (const auto* problem = std::get_if<LineProblem>(&parsed)) {
      fail_row(row, problem->custom_id, problem->code, problem->message, std::nullopt, "");
      return;
    }
    BatchRequest& request = std::get<BatchRequest>(parsed);
    if (request.body.contains("stream") && request.body["stream"] == true) {
      fail_row(row, request.custom_id, "invalid_body",
               "line " + std::to_string(row.line) + ": a batch request cannot stream", std::nullopt,
               "");
      return;
    }
    http::Request http_request =
        http::post_json(pool_.url(endpoint).prefix + request.url, request.body.dump());
    http_request.timeouts.total = options_.target.request_timeout;
    http_request.timeouts.idle =
        std::min(http_request.timeouts.idle, options_.target.request_timeout);
    if (!authorization_.empty())
      http_request.headers.push_back({"Authorization", authorization_});
    pool_.started(endpoint);
    const std::int64_t line = row.line;
    in_flight_.emplace(line, InFlightRow{std::move(row), request.custom_id});
    client_.submit(pool_.url(endpoint).endpoint, std::move(http_request),
                   [this, line, endpoint](http::Response response) {
                     std::lock_guard lock(mutex_);
                     answers_.push_back({line, endpoint, std::move(response)});
                     answered_.notify_all();
                   });
  }

  void probe_endpoints(Clock::time_point now) {
    for (const std::size_t endpoint : pool_.due_for_probe(now)) {
      http::Request probe = http::get(pool_.url(endpoint).prefix + "/v1/models");
      probe.timeouts.total = std::chrono::seconds(5);
      if (!authorization_.empty())
        probe.headers.push_back({"Authorization", authorization_});
      client_.submit(pool_.url(endpoint).endpoint, std::move(probe),
                     [this, endpoint](http::Response response) {
                       std::lock_guard lock(mutex_);
                       probes_.emplace_back(endpoint, response.ok());
                       answered_.notify_all();
                     });
    }
  }

  void take_answers(Clock::time_point now) {
    std::vector<Answer> answers;
    std::vector<std::pair<std::size_t, bool>> probes;
    {
      std::lock_guard lock(mutex_);
      answers.swap(answers_);
      probes.swap(probes_);
    }
    for (const auto& [endpoint, up] : probes) {
      pool_.probe_result(endpoint, up, now);
      if (up)
        out_ << "sbench batch: " << pool_.name(endpoint) << " answers again\n" << std::flush;
    }
    for (Answer& answer : answers)
      handle(answer, now);
  }

  void handle(Answer& answer, Clock::time_point now) {
    pool_.finished(answer.endpoint);
    auto found = in_flight_.find(answer.line);
    InFlightRow in_flight = std::move(found->second);
    in_flight_.erase(found);
    const http::Response& response = answer.response;
    PendingRow& row = in_flight.row;
    const http::ErrorKind kind = response.error.kind;
    // No answer from the server, or its proxy saying it is gone: the
    // endpoint is down, not the request wrong. Resent, attempts untouched.
    const bool server_gone = response.status == 502 || response.status == 503 ||
                             (response.status == 0 && kind != http::ErrorKind::total_timeout &&
                              kind != http::ErrorKind::idle_timeout);
    if (server_gone) {
      pool_.unreachable(answer.endpoint, now, std::string(http::to_string(kind)));
      retries_.emplace_front(now, std::move(row));
      return;
    }
    pool_.answered(answer.endpoint);
    const std::string* request_id = response.header("x-request-id");
    const std::string id =
        request_id != nullptr ? *request_id : "sbench-" + std::to_string(answer.line);
    if (response.ok()) {
      finish(row, RowState::done,
             output_line(batch_request_id(row), in_flight.custom_id, response.status, id,
                         response.body),
             response);
      return;
    }
    const bool retryable = response.status == 0 || response.status == 429 ||
                           response.status >= 500 || response.status == 408;
    ++row.attempts;
    if (retryable && row.attempts < options_.max_attempts) {
      const auto wait = response.retry_after.value_or(kRetryBase * (1 << (row.attempts - 1)));
      retries_.emplace_back(now + wait, std::move(row));
      std::sort(retries_.begin(), retries_.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      return;
    }
    const std::optional<int> status =
        response.status == 0 ? std::nullopt : std::optional<int>(response.status);
    fail_row(row, in_flight.custom_id, std::string(http::to_string(kind)),
             response.error.message.empty() ? "HTTP " + std::to_string(response.status)
                                            : response.error.message,
             status, response.body, id);
  }

  std::string batch_request_id(const PendingRow& row) const {
    return "batch_req_" + std::to_string(job_.id) + "_" + std::to_string(row.line);
  }

  void fail_row(const PendingRow& row, const std::string& custom_id, const std::string& code,
                const std::string& message, std::optional<int> status, const std::string& body,
                const std::string& request_id = "") {
    error_text_ +=
        error_line(batch_request_id(row), custom_id, code, message, status, request_id, body);
    ++errors_by_kind_[code];
    finished_.push_back({row.line, RowState::failed, row.attempts, unix_ms_now()});
  }

  void finish(const PendingRow& row, RowState state, std::string line,
              const http::Response& response) {
    output_text_ += line;
    finished_.push_back({row.line, state, row.attempts + 1, unix_ms_now()});
    RequestRecord record;
    record.scheduled = response.timing.scheduled;
    record.sent = response.timing.sent;
    record.done = response.timing.done;
    recent_.push_back(record);
    if (recent_.size() > kRecentRecords)
      recent_.pop_front();
  }

  // The lines first (synced), then the index: a crash in between leaves
  // lines past the committed length, which the next start cuts off and
  // sends again.
  void commit() {
    if (finished_.empty())
      return;
    if (!output_text_.empty())
      output_->append(output_text_);
    if (!error_text_.empty())
      errors_->append(error_text_);
    queue_.commit(job_.id, finished_, output_->size(), errors_->size());
    for (const FinishedRow& row : finished_)
      (row.state == RowState::done ? committed_done_ : committed_failed_) += 1;
    finished_.clear();
    output_text_.clear();
    error_text_.clear();
  }

  double elapsed_s() const {
    return std::chrono::duration<double>(Clock::now() - started_).count();
  }

  void show_progress() {
    if (!progress_.due())
      return;
    const std::int64_t answered = committed_done_ + committed_failed_;
    LoadProgressLine line{"job " + std::to_string(job_.id),
                          static_cast<std::size_t>(answered),
                          static_cast<std::size_t>(job_.rows),
                          static_cast<std::size_t>(committed_failed_),
                          pool_.in_flight(),
                          elapsed_s(),
                          std::nullopt,
                          std::nullopt};
    const SustainedRate rate =
        find_sustained_rate(std::vector<RequestRecord>(recent_.begin(), recent_.end()));
    if (rate.found) {
      line.sustained_per_s = rate.requests_per_s;
      line.eta_s = static_cast<double>(job_.rows - answered) / rate.requests_per_s;
    }
    progress_.update(line);
  }

  void summarize() {
    progress_.finish();
    // The sweep's metrics, over the latest answers of this run.
    const PointMetrics metrics =
        analyze_point(std::vector<RequestRecord>(recent_.begin(), recent_.end()));
    out_ << "sbench batch: job " << job_.id << " done: " << committed_done_ << " answered, "
         << committed_failed_ << " failed, this run " << duration_text(elapsed_s()) << "\n";
    if (metrics.sustained.found)
      out_ << "  sustained " << fixed(metrics.sustained.requests_per_s) << " req/s ["
           << fixed(metrics.sustained.ci_low) << ", " << fixed(metrics.sustained.ci_high) << "]";
    else
      out_ << "  no sustained rate (" << metrics.sustained.reason << ")";
    out_ << "; latency p50 " << fixed(metrics.latency_ms.p50) << " ms, p95 "
         << fixed(metrics.latency_ms.p95) << " ms, p99 " << fixed(metrics.latency_ms.p99)
         << " ms\n";
    for (const auto& [kind, count] : errors_by_kind_)
      out_ << "  " << kind << ": " << count << "\n";
    out_ << "  output " << job_.output.string() << "\n  errors " << job_.errors.string() << "\n";
  }

  static constexpr std::size_t kRecentRecords = 20'000;

  const BatchRunOptions& options_;
  BatchQueue& queue_;
  BatchJob job_;
  const std::atomic<bool>& stop_;
  std::ostream& out_;
  std::ostream& err_;
  EndpointPool pool_;
  LoadProgress progress_;
  std::string authorization_;
  int input_fd_ = -1;
  std::optional<AppendFile> output_;
  std::optional<AppendFile> errors_;
  std::vector<PendingRow> page_;
  std::size_t page_at_ = 0;
  std::int64_t cursor_ = 0;
  bool exhausted_ = false;
  bool cancelled_ = false;
  std::deque<std::pair<Clock::time_point, PendingRow>> retries_;
  std::map<std::int64_t, InFlightRow> in_flight_;
  std::vector<FinishedRow> finished_;
  std::string output_text_;
  std::string error_text_;
  std::map<std::string, std::size_t> errors_by_kind_;
  std::deque<RequestRecord> recent_;
  std::int64_t committed_done_ = 0;
  std::int64_t committed_failed_ = 0;
  Clock::time_point started_{};
  std::mutex mutex_;
  std::condition_variable answered_;
  std::vector<Answer> answers_;
  std::vector<std::pair<std::size_t, bool>> probes_;
  // Last: destroyed first, so that no completion runs into a dead run.
  http::Client client_;
};

}  // namespace

int batch_run(const BatchRunOptions& options, std::ostream& out, std::ostream& err) {
  return reporting_errors("sbench batch run", err, [&] {
    if (options.endpoints.empty())
      throw InputError("--endpoint: give at least one server URL");
    if (options.max_attempts < 1)
      throw InputError("--max-attempts: expected at least 1");
    const std::size_t workers = workers_from_sweep(options, out);
    BatchQueue queue(options.queue);
    std::vector<BatchJob> jobs;
    for (const BatchJob& job : queue.jobs()) {
      if (options.job ? job.id == *options.job : job.status == "queued" || job.status == "running")
        jobs.push_back(job);
    }
    if (options.job && jobs.empty())
      throw InputError("--job " + std::to_string(*options.job) + ": no such job in " +
                       queue.file().string());
    if (jobs.empty()) {
      out << "sbench batch: nothing to run in " << queue.file().string() << "\n";
      return exit_nothing_ran;
    }
    StopOnSignals signals;
    for (const BatchJob& job : jobs) {
      if (job.status == "cancelled" || job.status == "done")
        continue;
      JobRun run(options, queue, job, workers, signals.stop_requested(), out, err);
      if (const int code = run.run(); code != exit_ok) {
        err << "sbench batch: stopped; run `sbench batch run` again to resume job " << job.id
            << "\n";
        return code;
      }
    }
    return exit_ok;
  });
}

}  // namespace sbench::runner
