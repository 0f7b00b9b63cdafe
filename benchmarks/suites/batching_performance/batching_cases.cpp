// Batching performance: tokens/s of N agents decoding at the same time
// against one agent alone (the original suite's test_batching_performance).
#include <cstdio>
#include <map>
#include <sbench/case.hpp>
#include <sbench/reporters/benchmark_suite_main.hpp>
#include <string>
#include <suite_support/agents.hpp>
#include <suite_support/case_session.hpp>
#include <suite_support/counters.hpp>
#include <suite_support/server_case.hpp>

namespace {

using sbench::suites::BatchTotals;

// Every iteration: `agents` fresh agents generate `tokens_per_agent` tokens
// each at the same time; only the generation is timed.
void measure_batch(benchmark::State& state, sbench::Fixtures& fixtures, int agents) {
  const sbench::suites::CaseSession session = sbench::suites::start_case(fixtures);
  BatchTotals totals;
  for (auto _ : state) {
    const auto batch = sbench::suites::run_agent_batch(
        session.backend, agents, session.config.size<int>("tokens_per_agent"));
    state.SetIterationTime(sbench::suites::to_seconds(batch.wall));
    totals.add(batch);
  }
  state.counters["tokens_per_s"] = totals.tokens_per_second();
  state.counters["ttft_ms"] = sbench::suites::median(totals.latencies.ttft_ms);
  state.counters["itl_ms"] = sbench::suites::median(totals.latencies.itl_ms);
  state.counters["total_tokens"] = totals.tokens_per_batch();
}

// The agent counts of the comparison: 1 as the baseline, then the configured ones.
std::vector<int> compared_agent_counts(const sbench::Config& config) {
  std::vector<int> counts = {1};
  for (const std::int64_t count : config.size<std::vector<std::int64_t>>("agent_counts")) {
    if (count != 1)
      counts.push_back(static_cast<int>(count));
  }
  return counts;
}

void print_comparison(const std::map<int, BatchTotals>& by_agents) {
  const double baseline = by_agents.at(1).tokens_per_second();
  std::printf("\n%8s %12s %9s\n", "agents", "tokens/s", "speedup");
  for (const auto& [agents, totals] : by_agents) {
    const double rate = totals.tokens_per_second();
    std::printf("%8d %12.1f %8.2fx\n", agents, rate, baseline > 0 ? rate / baseline : 0.0);
  }
  std::fflush(stdout);
}

}  // namespace

SUITE_SERVER_CASE(sequential_1_agent_per_model, "benchmark", "batching")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      measure_batch(state, fixtures, 1);
    });

SUITE_SERVER_CASE(batched_3_agents_per_model, "benchmark", "batching")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      measure_batch(state, fixtures, 3);
    });

SUITE_SERVER_CASE(batched_5_agents_per_model, "benchmark", "batching")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      measure_batch(state, fixtures, 5);
    });

// One agent and each configured count, measured back to back in every
// iteration so the speedups compare the same minute of a noisy machine.
SUITE_SERVER_CASE(throughput_comparison, "benchmark", "batching")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const sbench::suites::CaseSession session = sbench::suites::start_case(fixtures);
      const std::vector<int> counts = compared_agent_counts(session.config);
      std::map<int, BatchTotals> by_agents;
      for (auto _ : state) {
        std::chrono::nanoseconds measured{0};
        for (const int agents : counts) {
          const auto batch = sbench::suites::run_agent_batch(
              session.backend, agents, session.config.size<int>("tokens_per_agent"));
          measured += batch.wall;
          by_agents[agents].add(batch);
        }
        state.SetIterationTime(sbench::suites::to_seconds(measured));
      }
      const double baseline = by_agents[1].tokens_per_second();
      for (const auto& [agents, totals] : by_agents) {
        const std::string n = std::to_string(agents);
        state.counters["tokens_per_s_" + n] = totals.tokens_per_second();
        if (agents > 1)
          state.counters["speedup_" + n] = totals.tokens_per_second() / baseline;
      }
      print_comparison(by_agents);
    });

SBENCH_BENCHMARK_SUITE_MAIN()
