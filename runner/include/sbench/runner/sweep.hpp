#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sbench/runner/runner.hpp"
#include "sbench/runner/target.hpp"

// `sbench sweep`: how many workers a job should use, from sustained (not
// burst) rates, with a diagnosis and ETAs (docs/SWEEP.md).
namespace sbench::runner {

// What each request of a sweep asks.
struct RequestShapeOptions {
  // JSONL of request bodies, or of OpenAI Batch lines (their `body`), used in
  // turn; unset: synthetic prompts.
  std::optional<std::filesystem::path> sample;
  std::string prompt;             // one fixed prompt; empty: a distinct one per request
  std::size_t prompt_words = 32;  // length of the synthetic prompts
  std::size_t max_tokens = 64;
  std::vector<std::string> parameters;  // "name=JSON" merged into every body
};

enum class Arrivals { constant, poisson, gamma };

struct SweepOptions {
  TargetOptions target;
  RequestShapeOptions shape;
  // The grid: every worker count at every request count (closed loop: each
  // worker sends its next request when its last one is answered).
  std::vector<std::size_t> workers = {2, 4, 8, 16, 32};
  std::vector<std::size_t> requests = {1000, 5000, 10000};
  // Search the worker axis instead of the grid; each level runs until its
  // sustained-rate interval is within `precision` (relative half-width).
  bool auto_search = false;
  std::size_t max_workers = 64;
  double precision = 0.03;
  std::size_t min_requests_per_level = 200;
  std::size_t max_requests_per_level = 5000;
  // Open loop: these arrival rates (requests/s) instead of the worker axis;
  // latency counts from each request's arrival, queueing in the client included.
  std::vector<double> rates;
  Arrivals arrivals = Arrivals::poisson;
  double gamma_cv = 2.0;  // burstiness of gamma arrivals (1 = Poisson)
  std::uint64_t seed = 1;
  std::size_t max_in_flight = 1024;
  // Goodput search: the highest arrival rate at which `goodput_share` of the
  // requests meet every SLO given.
  bool goodput = false;
  std::optional<double> slo_ttft_ms;
  std::optional<double> slo_itl_ms;
  std::optional<double> slo_e2e_ms;
  double goodput_share = 0.95;
  std::vector<double> eta_requests;  // beside 50,000 and 170,000
  std::filesystem::path output_dir = "sweep";
  bool fresh = false;            // ignore points stored by an earlier start
  double max_error_rate = 0.05;  // a point above this fails the sweep (exit 1)
  ProgressDisplay progress = ProgressDisplay::automatic;
  std::chrono::milliseconds progress_interval{10'000};
};

int sweep(const SweepOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sbench::runner
