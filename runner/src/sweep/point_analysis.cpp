#include "sweep/point_analysis.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

#include "sbench/stats/summary.hpp"

namespace sbench::runner {

// How the sustained rate is found
// ===============================
//
// A server's rate at the start of a run says little about the rate it holds:
// Ollama, for one, answers the first requests of a run up to ten times faster
// than the rest, and a cold server is slower at first. The end of a run is no
// better: once the last request is sent, fewer and fewer are in flight.
//
// 1. Units by token event. Every successful request is one request-unit and
//    completion_tokens tokens, spread evenly over its token_times (each
//    streamed piece carries 1/n of both); an answer that was not streamed puts
//    its whole unit at `done`, and a failed request carries nothing. A request
//    that straddles the end of the warm-up then counts only for the part of
//    it that arrived inside the window, instead of polluting it whole
//    (GuideLLM issue #1078).
// 2. The analysable region runs from the first scheduled send to the last
//    `sent`: after that the load drains. When every request was sent before
//    anything arrived (as many workers as requests), there is no full-load
//    stretch and the region runs to the last event.
// 3. The region is cut into equal bins holding about kUnitsPerBin units on
//    average, between kMinBins and kMaxBins.
// 4. The warm-up is cut off by MSER-5 (White 1997; White and Robinson 2010):
//    on the means of batches of 5 bins, the truncation d in the first half
//    that minimises the squared standard error of the rest,
//    sum((x - mean)^2) / (n - d)^2. A fast start and a slow ramp-up both
//    inflate that sum, so it drops either. With fewer than kMinMserPoints
//    batches the rule works on the bins themselves.
// 5. The rate is the units from begin to end over end - begin. Fewer than
//    kMinCompletions answers, in all or in the region, give no rate.
// 6. The interval is from batch means: the window is split into up to
//    kMaxBatches equal batches (at least kMinBatches), and the mean of their
//    rates gets a Student-t interval with batches - 1 degrees of freedom.
//    Batches this long usually hold many requests each, so their rates are
//    close to independent. (On simulated Poisson answers the 95 % interval
//    covers the true rate about 93 % of the time: MSER picks the quietest
//    window, which narrows it a little.)
// 7. Drift and CV describe the bins inside the window. On a server that keeps
//    slowing down MSER cuts as much as it may, half: the rate is then that of
//    the later half, and the drift says it is still falling.

namespace {

using Seconds = std::chrono::duration<double>;

constexpr std::size_t kMinCompletions = 20;
constexpr double kUnitsPerBin = 5;
constexpr std::size_t kMinBins = 10;
constexpr std::size_t kMaxBins = 200;
constexpr std::size_t kMserBatch = 5;
constexpr std::size_t kMinMserPoints = 10;
constexpr std::size_t kMinBatches = 5;
constexpr std::size_t kMaxBatches = 10;
constexpr std::size_t kMaxTimelinePoints = 100;

struct UnitEvent {
  double t_s = 0;
  double requests = 0;
  double tokens = 0;
};

struct Bucket {
  double requests = 0;
  double tokens = 0;
};

double seconds_between(LoadClock::time_point from, LoadClock::time_point to) {
  return Seconds(to - from).count();
}

LoadClock::time_point first_scheduled(std::span<const RequestRecord> records) {
  return std::ranges::min(records, {}, &RequestRecord::scheduled).scheduled;
}

std::vector<UnitEvent> unit_events(std::span<const RequestRecord> records,
                                   LoadClock::time_point origin) {
  std::vector<UnitEvent> events;
  for (const RequestRecord& record : records) {
    if (!record.ok())
      continue;
    const double tokens = static_cast<double>(record.completion_tokens);
    if (record.token_times.empty()) {
      events.push_back({seconds_between(origin, record.done), 1.0, tokens});
      continue;
    }
    const double pieces = static_cast<double>(record.token_times.size());
    for (LoadClock::time_point arrival : record.token_times)
      events.push_back({seconds_between(origin, arrival), 1.0 / pieces, tokens / pieces});
  }
  std::ranges::sort(events, {}, &UnitEvent::t_s);
  return events;
}

// Equal-width buckets over [from, to]; an event exactly at `to` goes into the last.
std::vector<Bucket> bucket_events(std::span<const UnitEvent> events, double from, double to,
                                  std::size_t count) {
  std::vector<Bucket> buckets(count);
  const double width = (to - from) / static_cast<double>(count);
  for (const UnitEvent& event : events) {
    if (event.t_s < from || event.t_s > to)
      continue;
    const auto index = std::min(count - 1, static_cast<std::size_t>((event.t_s - from) / width));
    buckets[index].requests += event.requests;
    buckets[index].tokens += event.tokens;
  }
  return buckets;
}

// P(|T| <= t) for Student's t with `df` degrees of freedom, in closed form
// for integer df (Abramowitz and Stegun 26.7.3 and 26.7.4).
double t_two_sided_probability(double t, std::size_t df) {
  const double theta = std::atan(t / std::sqrt(static_cast<double>(df)));
  const double c2 = std::cos(theta) * std::cos(theta);
  if (df % 2 == 0) {
    double term = 1, sum = 1;
    for (std::size_t j = 1; 2 * j <= df - 2; ++j) {
      term *= c2 * static_cast<double>(2 * j - 1) / static_cast<double>(2 * j);
      sum += term;
    }
    return std::sin(theta) * sum;
  }
  if (df == 1)
    return 2 * theta / std::numbers::pi;
  double term = 1, sum = 1;
  for (std::size_t j = 1; 2 * j + 1 <= df - 2; ++j) {
    term *= c2 * static_cast<double>(2 * j) / static_cast<double>(2 * j + 1);
    sum += term;
  }
  return 2 / std::numbers::pi * (theta + std::sin(theta) * std::cos(theta) * sum);
}

// The t with P(|T| <= t) = confidence, by bisection: the probability rises with t.
double t_quantile(double confidence, std::size_t df) {
  double low = 0, high = 1e6;
  for (int step = 0; step < 200; ++step) {
    const double middle = (low + high) / 2;
    if (t_two_sided_probability(middle, df) < confidence)
      low = middle;
    else
      high = middle;
  }
  return (low + high) / 2;
}

// MSER: the number of leading points to drop.
std::size_t mser_truncation(std::span<const double> series) {
  const std::size_t n = series.size();
  std::size_t best_truncation = 0;
  double best_statistic = std::numeric_limits<double>::infinity();
  double sum = 0, squares = 0;
  // From the back, so each truncation's sums are running sums; `<=` keeps the
  // smallest truncation among equals.
  for (std::size_t d = n; d-- > 0;) {
    sum += series[d];
    squares += series[d] * series[d];
    if (d > n / 2)
      continue;
    const double kept = static_cast<double>(n - d);
    const double spread = std::max(0.0, squares - sum * sum / kept);
    const double statistic = spread / (kept * kept);
    if (statistic <= best_statistic) {
      best_statistic = statistic;
      best_truncation = d;
    }
  }
  return best_truncation;
}

std::size_t bin_count(double units) {
  auto bins = std::clamp(static_cast<std::size_t>(units / kUnitsPerBin), kMinBins, kMaxBins);
  if (bins >= kMserBatch * kMinMserPoints)
    bins -= bins % kMserBatch;  // whole batches for MSER-5
  return bins;
}

// The first bin of the window.
std::size_t warmup_bins(std::span<const Bucket> bins, double width) {
  const std::size_t batch = bins.size() >= kMserBatch * kMinMserPoints ? kMserBatch : 1;
  std::vector<double> series;
  for (std::size_t first = 0; first + batch <= bins.size(); first += batch) {
    double units = 0;
    for (std::size_t i = first; i < first + batch; ++i)
      units += bins[i].requests;
    series.push_back(units / (static_cast<double>(batch) * width));
  }
  return mser_truncation(series) * batch;
}

// Least-squares slope of y over x.
double slope(std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size());
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i] / n;
    mean_y += y[i] / n;
  }
  double covariance = 0, variance = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    covariance += (x[i] - mean_x) * (y[i] - mean_y);
    variance += (x[i] - mean_x) * (x[i] - mean_x);
  }
  return variance == 0 ? 0 : covariance / variance;
}

std::string units_text(double units) {
  std::ostringstream text;
  text.precision(3);
  text << units;
  return text.str();
}

LatencySummary latency_summary(std::span<const double> milliseconds) {
  const stats::Summary summary = stats::summarize(milliseconds);
  return {.n = summary.n,
          .mean = summary.mean,
          .p50 = summary.p50,
          .p95 = summary.p95,
          .p99 = summary.p99};
}

BurstRate burst_rate(std::span<const RequestRecord> records, std::size_t burst_requests,
                     LoadClock::time_point origin) {
  std::vector<LoadClock::time_point> completions;
  for (const RequestRecord& record : records)
    if (record.ok())
      completions.push_back(record.done);
  BurstRate burst;
  burst.requests = std::min(burst_requests, completions.size());
  if (burst.requests == 0)
    return burst;
  std::ranges::nth_element(completions, completions.begin() + (burst.requests - 1));
  burst.seconds = seconds_between(origin, completions[burst.requests - 1]);
  if (burst.seconds > 0)
    burst.requests_per_s = static_cast<double>(burst.requests) / burst.seconds;
  return burst;
}

std::vector<RatePoint> rate_timeline(std::span<const UnitEvent> events, double duration_s) {
  double units = 0;
  for (const UnitEvent& event : events)
    units += event.requests;
  if (units == 0 || duration_s <= 0)
    return {};
  const std::size_t points = std::clamp(static_cast<std::size_t>(units / kUnitsPerBin),
                                        std::size_t{1}, kMaxTimelinePoints);
  const double width = duration_s / static_cast<double>(points);
  const std::vector<Bucket> buckets = bucket_events(events, 0, duration_s, points);
  std::vector<RatePoint> timeline;
  for (std::size_t i = 0; i < points; ++i)
    timeline.push_back({.t_s = (static_cast<double>(i) + 0.5) * width,
                        .requests_per_s = buckets[i].requests / width});
  return timeline;
}

// How many answers the server streams at once, on average over the time it
// streams any: the overlap of the [first token, done] spans. A server that
// serves one request at a time never overlaps two, whatever the client's
// worker count and however long its prefill; a server batching P sequences
// overlaps about P. Closed-loop rates and latencies cannot tell the two apart
// once every level is past the server's limit, this can. It needs answers
// that arrive piece by piece: when most arrive in one or two reads (a server
// or proxy that buffers the stream) the spans say nothing, and the result is 0.
double streaming_concurrency(std::span<const RequestRecord> records) {
  constexpr std::size_t kLeastDistinctArrivals = 3;
  std::vector<std::pair<LoadClock::time_point, int>> changes;
  std::size_t streamed = 0;
  for (const RequestRecord& record : records) {
    if (!record.ok() || record.token_times.size() < 2)
      continue;
    ++streamed;
    std::size_t distinct = 1;
    for (std::size_t i = 1; i < record.token_times.size(); ++i)
      distinct += record.token_times[i] != record.token_times[i - 1] ? 1 : 0;
    if (distinct >= kLeastDistinctArrivals) {
      changes.emplace_back(record.token_times.front(), +1);
      changes.emplace_back(record.done, -1);
    }
  }
  if (changes.empty() || changes.size() < streamed)  // under half arrived piece by piece
    return 0.0;
  // Ends before starts at the same moment: back-to-back answers do not overlap.
  std::ranges::sort(changes);
  double busy = 0;
  double weighted = 0;
  int active = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i > 0 && active > 0) {
      const double span = seconds_between(changes[i - 1].first, changes[i].first);
      busy += span;
      weighted += span * active;
    }
    active += changes[i].second;
  }
  return busy > 0 ? weighted / busy : 0.0;
}

SustainedRate sustained_rate_of_events(std::span<const RequestRecord> records,
                                       std::span<const UnitEvent> events, double confidence) {
  SustainedRate rate;
  const std::size_t completions =
      static_cast<std::size_t>(std::ranges::count_if(records, &RequestRecord::ok));
  if (completions < kMinCompletions) {
    rate.reason = "only " + std::to_string(completions) +
                  " completions: too few to find a steady state; run more requests";
    return rate;
  }
  const LoadClock::time_point origin = first_scheduled(records);
  double end = seconds_between(origin, std::ranges::max(records, {}, &RequestRecord::sent).sent);
  if (end <= events.front().t_s)
    end = events.back().t_s;
  if (end <= 0) {
    rate.reason = "every answer arrived at the moment of the first send: no time to measure over";
    return rate;
  }
  double region_units = 0;
  for (const UnitEvent& event : events)
    if (event.t_s <= end)
      region_units += event.requests;
  if (region_units < static_cast<double>(kMinCompletions)) {
    rate.reason = "only " + units_text(region_units) +
                  " requests' worth of answers arrived before the last request was sent (after "
                  "that the load drains): too few to find a steady state; run more requests";
    return rate;
  }

  const std::size_t bin_total = bin_count(region_units);
  const double width = end / static_cast<double>(bin_total);
  const std::vector<Bucket> bins = bucket_events(events, 0, end, bin_total);
  const std::size_t first_bin = warmup_bins(bins, width);
  const std::span<const Bucket> window = std::span(bins).subspan(first_bin);

  rate.found = true;
  rate.bins = window.size();
  rate.begin_s = static_cast<double>(first_bin) * width;
  rate.warmup_s = rate.begin_s;
  rate.end_s = end;
  const double length = end - rate.begin_s;
  std::vector<double> bin_rates, bin_minutes;
  double units = 0, tokens = 0;
  for (std::size_t i = 0; i < window.size(); ++i) {
    units += window[i].requests;
    tokens += window[i].tokens;
    bin_rates.push_back(window[i].requests / width);
    bin_minutes.push_back((rate.begin_s + (static_cast<double>(i) + 0.5) * width) / 60);
  }
  rate.requests_per_s = units / length;
  rate.tokens_per_s = tokens / length;
  const stats::Summary spread = stats::summarize(bin_rates);
  rate.cv = spread.cv;
  if (rate.requests_per_s > 0)
    rate.drift_per_minute = slope(bin_minutes, bin_rates) / rate.requests_per_s;

  const std::size_t batches = std::clamp(window.size(), kMinBatches, kMaxBatches);
  const double batch_length = length / static_cast<double>(batches);
  std::vector<double> batch_rates;
  for (const Bucket& batch : bucket_events(events, rate.begin_s, end, batches))
    batch_rates.push_back(batch.requests / batch_length);
  const double standard_error =
      stats::summarize(batch_rates).stddev / std::sqrt(static_cast<double>(batches));
  const double half_width = t_quantile(confidence, batches - 1) * standard_error;
  rate.ci_low = rate.requests_per_s - half_width;
  rate.ci_high = rate.requests_per_s + half_width;
  if (rate.requests_per_s > 0)
    rate.relative_half_width = half_width / rate.requests_per_s;
  return rate;
}

}  // namespace

SustainedRate find_sustained_rate(std::span<const RequestRecord> records, double confidence) {
  if (records.empty())
    return {.reason = "no requests: nothing to measure"};
  return sustained_rate_of_events(records, unit_events(records, first_scheduled(records)),
                                  confidence);
}

PointMetrics analyze_point(std::span<const RequestRecord> records, const AnalysisOptions& options) {
  PointMetrics metrics;
  metrics.requests = records.size();
  if (records.empty()) {
    metrics.sustained.reason = "no requests: nothing to measure";
    return metrics;
  }
  const LoadClock::time_point origin = first_scheduled(records);
  std::vector<double> latency, ttft, itl;
  double completion_tokens = 0;
  for (const RequestRecord& record : records) {
    if (!record.ok()) {
      ++metrics.errors[record.error_kind];
      continue;
    }
    ++metrics.succeeded;
    completion_tokens += static_cast<double>(record.completion_tokens);
    latency.push_back(seconds_between(record.scheduled, record.done) * 1e3);
    if (record.token_times.empty())
      continue;
    ttft.push_back(seconds_between(record.scheduled, record.token_times.front()) * 1e3);
    for (std::size_t i = 1; i < record.token_times.size(); ++i)
      itl.push_back(seconds_between(record.token_times[i - 1], record.token_times[i]) * 1e3);
  }
  metrics.failed = metrics.requests - metrics.succeeded;
  metrics.error_rate = static_cast<double>(metrics.failed) / static_cast<double>(metrics.requests);
  metrics.duration_s =
      seconds_between(origin, std::ranges::max(records, {}, &RequestRecord::done).done);
  if (metrics.duration_s > 0)
    metrics.overall_requests_per_s = static_cast<double>(metrics.succeeded) / metrics.duration_s;
  if (metrics.succeeded > 0)
    metrics.mean_completion_tokens = completion_tokens / static_cast<double>(metrics.succeeded);
  metrics.latency_ms = latency_summary(latency);
  metrics.ttft_ms = latency_summary(ttft);
  metrics.itl_ms = latency_summary(itl);
  metrics.burst = burst_rate(records, options.burst_requests, origin);
  metrics.server_concurrency = streaming_concurrency(records);

  const std::vector<UnitEvent> events = unit_events(records, origin);
  metrics.sustained = sustained_rate_of_events(records, events, options.confidence);
  metrics.timeline = rate_timeline(events, metrics.duration_s);
  return metrics;
}

}  // namespace sbench::runner
