// The comprehensive suite: the headline figures of the original
// benchmarks/benchmark_suite.py, one case (and one counter of the same name)
// each.
#include <algorithm>
#include <chrono>
#include <sbench/case.hpp>
#include <sbench/reporters/benchmark_suite_main.hpp>
#include <suite_support/agents.hpp>
#include <suite_support/cache_timing.hpp>
#include <suite_support/case_session.hpp>
#include <suite_support/counters.hpp>
#include <suite_support/private_server.hpp>
#include <suite_support/saved_agent.hpp>
#include <suite_support/server_case.hpp>
#include <suite_support/server_memory.hpp>
#include <vector>

namespace {

using sbench::suites::median;

// The cache figures are taken at the smallest configured context.
sbench::suites::SavedAgent saved_agent(const sbench::suites::CaseSession& session) {
  return sbench::suites::saved_context(
      session.backend, session.config,
      static_cast<int>(
          session.config.size<std::vector<std::int64_t>>("cache_token_counts").front()));
}

int largest_agent_count(const sbench::Config& config) {
  const auto counts = config.size<std::vector<std::int64_t>>("agent_counts");
  return static_cast<int>(*std::max_element(counts.begin(), counts.end()));
}

}  // namespace

// From starting a fresh server process to its health check answering: the
// model load. The shared server keeps running meanwhile.
SUITE_SERVER_CASE(model_load_time_sec, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      std::vector<double> seconds;
      for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const auto server = sbench::suites::start_private_server(fixtures.config());
        seconds.push_back(sbench::suites::to_seconds(std::chrono::steady_clock::now() - start));
        state.SetIterationTime(seconds.back());
      }
      state.counters["model_load_time_sec"] = median(seconds);
    });

SUITE_SERVER_CASE(cache_save_time_ms, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const auto saved = saved_agent(session);
      state.counters["cache_save_time_ms"] =
          sbench::suites::time_saves(state, session.backend, saved).median_ms();
    });

SUITE_SERVER_CASE(cache_load_time_ms, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const auto saved = saved_agent(session);
      state.counters["cache_load_time_ms"] =
          sbench::suites::time_loads(state, session.backend, saved).median_ms();
    });

// Loading a saved context and generating `tokens_per_agent` tokens from it.
SUITE_SERVER_CASE(generation_with_cache_sec, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const auto saved = saved_agent(session);
      std::vector<double> seconds;
      for (auto _ : state) {
        const auto load = sbench::suites::load_saved(session.backend, saved);
        const auto generation = sbench::suites::generate_after_load(
            session.backend, saved, session.config.size<int>("tokens_per_agent"));
        seconds.push_back(load.client_ms / 1e3 +
                          sbench::suites::to_seconds(generation.token_timing.total));
        state.SetIterationTime(seconds.back());
      }
      state.counters["generation_with_cache_sec"] = median(seconds);
    });

SUITE_SERVER_CASE(throughput_tokens_per_sec, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const int agents = largest_agent_count(session.config);
      sbench::suites::BatchTotals totals;
      for (auto _ : state) {
        const auto batch = sbench::suites::run_agent_batch(
            session.backend, agents, session.config.size<int>("tokens_per_agent"));
        state.SetIterationTime(sbench::suites::to_seconds(batch.wall));
        totals.add(batch);
      }
      state.counters["throughput_tokens_per_sec"] = totals.tokens_per_second();
    });

// The server's resident memory after the largest batch of agents has run.
SUITE_SERVER_CASE(memory_usage_gb, "benchmark")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const int agents = largest_agent_count(session.config);
      std::vector<double> gigabytes;
      for (auto _ : state) {
        const auto batch = sbench::suites::run_agent_batch(
            session.backend, agents, session.config.size<int>("tokens_per_agent"));
        state.SetIterationTime(sbench::suites::to_seconds(batch.wall));
        gigabytes.push_back(
            static_cast<double>(sbench::suites::server_rss_bytes(session.server.pid())) / 1e9);
      }
      state.counters["memory_usage_gb"] = median(gigabytes);
    });

SBENCH_BENCHMARK_SUITE_MAIN()
