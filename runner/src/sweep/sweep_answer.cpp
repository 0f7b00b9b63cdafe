#include "sweep/sweep_answer.hpp"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <sstream>

#include "report/report_page.hpp"

namespace sbench::runner {
namespace {

// Diagnosis thresholds. A fall of more than kHurtDrop from the best that the
// intervals cannot explain is a real loss. A rise of kHelpGain over the
// measured range is more than the noise of two sustained rates can make.
// Within kFlatRatio the rate has not moved. With a serialized server the
// latency at w workers is w times the service time; kProportionalLatency
// allows for the client's own overhead and for noise.
constexpr double kKneeTolerance = 0.05;
constexpr double kHurtDrop = 0.10;
constexpr double kHelpGain = 1.25;
constexpr double kFlatRatio = 1.15;
constexpr double kProportionalLatency = 0.6;
// Answers streamed at once, on average, below which the server serves one
// request at a time; above 1 for the moments one answer ends as the next starts.
constexpr double kSerialConcurrency = 1.3;

std::vector<WorkerLevel> sorted_by_workers(std::span<const WorkerLevel> levels) {
  std::vector<WorkerLevel> sorted(levels.begin(), levels.end());
  std::ranges::stable_sort(sorted, {}, &WorkerLevel::workers);
  return sorted;
}

// The first level with the highest rate: among equals, the fewest workers.
const WorkerLevel& best_of(std::span<const WorkerLevel> levels) {
  return *std::ranges::max_element(levels, std::ranges::less{}, &WorkerLevel::rate);
}

// The fewest workers within `tolerance` of the best; `levels` sorted by workers.
const WorkerLevel& knee_of(std::span<const WorkerLevel> levels, double tolerance) {
  const double threshold = (1 - tolerance) * best_of(levels).rate;
  return *std::ranges::find_if(
      levels, [threshold](const WorkerLevel& level) { return level.rate >= threshold; });
}

std::string rate_text(double rate) {
  return fixed(rate, 1) + " req/s";
}

std::string workers_text(std::size_t workers) {
  return std::to_string(workers) + (workers == 1 ? " worker" : " workers");
}

std::string workers_list(std::span<const std::size_t> workers) {
  std::string list;
  for (std::size_t count : workers)
    list += (list.empty() ? "" : ", ") + std::to_string(count);
  return list;
}

// Two signs that the server answers one request at a time. Streamed: with
// several workers waiting, its answers still never overlap (concurrency about
// 1); closed-loop rates and latencies cannot show this once every level is
// past the server's limit, because a flat rate always comes with latency in
// proportion to workers (Little's law). Not streamed: only from one worker up
// does a flat rate with latency growing in step say so.
bool serialized(std::span<const WorkerLevel> found) {
  const WorkerLevel& smallest = found.front();
  const WorkerLevel& largest = found.back();
  if (largest.server_concurrency > 0)
    return largest.workers >= 2 && largest.server_concurrency <= kSerialConcurrency;
  const auto [slowest, fastest] = std::ranges::minmax(found, {}, &WorkerLevel::rate);
  if (smallest.workers != 1 || slowest.rate <= 0 || fastest.rate > kFlatRatio * slowest.rate)
    return false;
  if (smallest.latency_p50_ms <= 0)
    return false;
  const double latency_growth = largest.latency_p50_ms / smallest.latency_p50_ms;
  const double worker_growth =
      static_cast<double>(largest.workers) / static_cast<double>(smallest.workers);
  return latency_growth >= kProportionalLatency * worker_growth;
}

std::string serialized_summary(std::span<const WorkerLevel> found) {
  const WorkerLevel& largest = found.back();
  double rate_sum = 0;
  for (const WorkerLevel& level : found)
    rate_sum += level.rate;
  const double mean_rate = rate_sum / static_cast<double>(found.size());
  std::string summary =
      "The server answers one request at a time (server parallelism ≈ 1): the rate stays at "
      "about " +
      rate_text(mean_rate) + " from " + workers_text(found.front().workers) + " to " +
      workers_text(largest.workers) + " while the median latency grows from " +
      fixed(found.front().latency_p50_ms, 0) + " ms to " + fixed(largest.latency_p50_ms, 0) +
      " ms, so the extra workers only queue.";
  if (largest.server_concurrency > 0)
    summary += " With " + workers_text(largest.workers) + " waiting, " +
               fixed(largest.server_concurrency, 2) + " answers were streaming at once on average.";
  return summary + " Check the server's setting for parallel requests.";
}

std::string hurt_summary(const WorkerLevel& best, const WorkerLevel& largest) {
  const double change = (largest.rate / best.rate - 1) * 100;
  return "More workers hurt: the rate peaks at " + workers_text(best.workers) + ", " +
         rate_text(best.rate) + ", and falls to " + rate_text(largest.rate) + " at " +
         workers_text(largest.workers) + " (" + fixed(change, 0) + " %).";
}

std::string help_summary(const WorkerLevel& smallest, const WorkerLevel& largest) {
  return "More workers still help: the rate rises from " + rate_text(smallest.rate) + " at " +
         workers_text(smallest.workers) + " to " + rate_text(largest.rate) + " at " +
         workers_text(largest.workers) + ", the most measured; try more workers.";
}

std::string saturate_summary(std::span<const WorkerLevel> found, const WorkerLevel& knee,
                             const WorkerLevel& best) {
  const WorkerLevel& smallest = found.front();
  const WorkerLevel& largest = found.back();
  if (&knee == &largest)
    return "The rate changes little with workers: from " + rate_text(smallest.rate) + " at " +
           workers_text(smallest.workers) + " to " + rate_text(largest.rate) + " at " +
           workers_text(largest.workers) + ".";
  std::string summary =
      "The rate levels off at " + workers_text(knee.workers) + ": " + rate_text(knee.rate);
  if (&knee != &best)
    summary += ", within " + fixed(kKneeTolerance * 100, 0) + " % of the best, " +
               rate_text(best.rate) + " at " + workers_text(best.workers);
  summary += "; more workers add waiting, not throughput.";
  if (&knee == &smallest && smallest.workers > 1)
    summary +=
        " It is already flat at the fewest workers measured: measure fewer to see where "
        "it levels off.";
  return summary;
}

}  // namespace

bool recommendable(const WorkerLevel& level) {
  return level.found && level.error_rate <= kMaxEligibleErrorRate;
}

Recommendation recommend_workers(std::span<const WorkerLevel> levels, double tolerance) {
  std::vector<WorkerLevel> candidates;
  std::vector<std::size_t> too_many_errors;
  for (const WorkerLevel& level : sorted_by_workers(levels)) {
    if (recommendable(level))
      candidates.push_back(level);
    else if (level.found)
      too_many_errors.push_back(level.workers);
  }
  const std::string error_limit = fixed(kMaxEligibleErrorRate * 100, 0) + " %";
  Recommendation recommendation;
  if (candidates.empty()) {
    recommendation.reason =
        too_many_errors.empty()
            ? "no worker count has a sustained rate; run more requests per point"
            : "every worker count with a sustained rate failed more than " + error_limit +
                  " of its requests (" + workers_list(too_many_errors) +
                  " workers); fix the errors first";
    return recommendation;
  }
  const WorkerLevel& best = best_of(candidates);
  const WorkerLevel& knee = knee_of(candidates, tolerance);
  recommendation.found = true;
  recommendation.workers = knee.workers;
  recommendation.rate = knee.rate;
  recommendation.ci_low = knee.ci_low;
  recommendation.ci_high = knee.ci_high;
  recommendation.best_rate = best.rate;
  recommendation.best_workers = best.workers;
  recommendation.reason = &knee == &best
                              ? "the best sustained rate, " + rate_text(knee.rate) + ", at " +
                                    workers_text(knee.workers)
                              : rate_text(knee.rate) + " at " + workers_text(knee.workers) +
                                    ", within " + fixed(tolerance * 100, 0) + " % of the best, " +
                                    rate_text(best.rate) + " at " + workers_text(best.workers);
  if (!too_many_errors.empty())
    recommendation.reason += "; left out for more than " + error_limit +
                             " errors: " + workers_list(too_many_errors) + " workers";
  return recommendation;
}

Eta estimate_eta(double requests, double rate, double ci_low, double ci_high) {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  Eta eta{.requests = requests};
  eta.seconds = rate > 0 ? requests / rate : kNever;
  eta.low_seconds = ci_high > 0 ? requests / ci_high : kNever;
  eta.bounded = ci_low > 0 && rate > 0;
  eta.high_seconds = eta.bounded ? requests / ci_low : kNever;
  return eta;
}

std::string_view to_string(WorkerEffect effect) {
  switch (effect) {
    case WorkerEffect::help:
      return "help";
    case WorkerEffect::saturate:
      return "saturate";
    case WorkerEffect::hurt:
      return "hurt";
    case WorkerEffect::unknown:
      break;
  }
  return "unknown";
}

Diagnosis diagnose(std::span<const WorkerLevel> levels) {
  std::vector<WorkerLevel> found;
  for (const WorkerLevel& level : sorted_by_workers(levels))
    if (level.found)
      found.push_back(level);
  Diagnosis diagnosis;
  if (found.size() < 2) {
    diagnosis.summary =
        "Too few worker counts with a sustained rate to tell what more workers do: measure at "
        "least two.";
    return diagnosis;
  }
  const WorkerLevel& smallest = found.front();
  const WorkerLevel& largest = found.back();
  const WorkerLevel& best = best_of(found);
  const WorkerLevel& knee = knee_of(found, kKneeTolerance);
  if (largest.rate < (1 - kHurtDrop) * best.rate && largest.ci_high < best.ci_low) {
    diagnosis.effect = WorkerEffect::hurt;
    diagnosis.summary = hurt_summary(best, largest);
  } else if (&knee == &largest && largest.rate >= kHelpGain * smallest.rate) {
    diagnosis.effect = WorkerEffect::help;
    diagnosis.summary = help_summary(smallest, largest);
  } else {
    diagnosis.effect = WorkerEffect::saturate;
    diagnosis.summary = saturate_summary(found, knee, best);
  }
  if (serialized(found)) {
    diagnosis.serialized_server = true;
    diagnosis.summary = serialized_summary(found);
    diagnosis.settings_to_check = {"OLLAMA_NUM_PARALLEL (Ollama)",
                                   "-np / --parallel (llama.cpp server)", "--max-num-seqs (vLLM)",
                                   "--max-batch (sbench-server)"};
  }
  return diagnosis;
}

}  // namespace sbench::runner
