// Memory utilisation: what agents' contexts cost the server in resident
// memory, against the server's own accounting and the theoretical KV size
// (the original suite's test_memory_utilization).
#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <sbench/case.hpp>
#include <sbench/reporters/benchmark_suite_main.hpp>
#include <string>
#include <suite_support/agents.hpp>
#include <suite_support/case_session.hpp>
#include <suite_support/counters.hpp>
#include <suite_support/private_server.hpp>
#include <suite_support/saved_agent.hpp>
#include <suite_support/server_case.hpp>
#include <suite_support/server_memory.hpp>
#include <vector>

#include "least_squares.hpp"

namespace {

using sbench::suites::median;
using sbench::suites::to_mb;

double bytes_between(std::uint64_t before, std::uint64_t after) {
  return static_cast<double>(after) - static_cast<double>(before);
}

// Growth of one iteration: the server's RSS, and its own KV accounting when
// it reports one (NaN otherwise).
struct MemoryGrowth {
  std::vector<double> rss_bytes;
  std::vector<double> kv_allocated_bytes;
  std::vector<double> kv_theoretical_bytes;
  std::uint64_t last_rss_bytes = 0;
};

struct KvAccounting {
  double allocated = std::numeric_limits<double>::quiet_NaN();
  double theoretical = std::numeric_limits<double>::quiet_NaN();
};

KvAccounting kv_accounting(sbench::BackendClient& backend) {
  if (!backend.has(sbench::Capability::server_memory_stats))
    return {};
  const sbench::ServerMemoryStats stats = sbench::suites::server_memory_stats(backend);
  KvAccounting kv;
  if (stats.kv_bytes_allocated)
    kv.allocated = static_cast<double>(*stats.kv_bytes_allocated);
  if (stats.kv_bytes_theoretical)
    kv.theoretical = static_cast<double>(*stats.kv_bytes_theoretical);
  return kv;
}

// How the memory cases' agents come to hold `memory_tokens_per_agent`
// tokens: as copies of one saved context, loaded from its file (the same KV
// blocks a prefill fills, without a prefill per agent), or, on a backend
// without agent_cache, by a prefill each.
class MemoryContext {
 public:
  // The saved context (filled once per run, see saved_context) is deleted at
  // once, so it holds no memory while agents are measured; its file stays.
  MemoryContext(sbench::BackendClient& backend, const sbench::Config& config)
      : backend_(backend), tokens_(config.size<int>("memory_tokens_per_agent")) {
    if (!backend.has(sbench::Capability::agent_cache))
      return;
    saved_ = sbench::suites::saved_context(backend, config, tokens_);
    sbench::suites::delete_agents(backend, std::vector<std::string>{saved_->agent});
  }

  std::vector<std::string> create_agents(std::string_view prefix, int count) {
    if (saved_)
      return sbench::suites::create_copies(backend_, *saved_, prefix, count);
    return sbench::suites::create_filled_agents(backend_, prefix, count, tokens_);
  }

 private:
  sbench::BackendClient& backend_;
  int tokens_;
  std::optional<sbench::suites::SavedAgent> saved_;
};

// A server of the case's own, because freed KV blocks stay resident for reuse:
// on the shared server a later case's agents would land in memory an earlier
// case already paid for. For the same reason every agent stays until the
// end, a first set (not measured) taking the one-time buffers and the blocks
// the saved context's agent freed. Each iteration: RSS, `agents` new agents
// (timed), RSS again.
MemoryGrowth measure_growth(benchmark::State& state, const sbench::Config& config, int agents) {
  const auto server = sbench::suites::start_private_server(config);
  sbench::BackendClient& backend = server->backend();
  sbench::suites::server_rss_bytes(server->pid());  // skip before any work if unreadable
  sbench::suites::warm_up(backend, config.size<int>("warmup_requests"));
  MemoryContext context(backend, config);
  context.create_agents("memory-warmup", agents);
  MemoryGrowth growth;
  for (auto _ : state) {
    const std::uint64_t rss_before = sbench::suites::server_rss_bytes(server->pid());
    const KvAccounting kv_before = kv_accounting(backend);
    const auto start = std::chrono::steady_clock::now();
    context.create_agents("memory", agents);
    state.SetIterationTime(sbench::suites::to_seconds(std::chrono::steady_clock::now() - start));
    growth.last_rss_bytes = sbench::suites::server_rss_bytes(server->pid());
    const KvAccounting kv_after = kv_accounting(backend);
    growth.rss_bytes.push_back(bytes_between(rss_before, growth.last_rss_bytes));
    growth.kv_allocated_bytes.push_back(kv_after.allocated - kv_before.allocated);
    growth.kv_theoretical_bytes.push_back(kv_after.theoretical - kv_before.theoretical);
  }
  return growth;
}

// The server's accounting with `agents` agents holding the configured
// context each, on the shared server (accounting counts blocks in use, so
// earlier cases do not matter). Timed: giving them their context.
std::vector<sbench::ServerMemoryStats> stats_with_agents(benchmark::State& state,
                                                         sbench::Fixtures& fixtures, int agents) {
  const auto session = sbench::suites::start_case(fixtures);
  sbench::suites::require_capability(session.backend, sbench::Capability::server_memory_stats);
  MemoryContext context(session.backend, session.config);
  std::vector<sbench::ServerMemoryStats> samples;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const auto ids = context.create_agents("accounting", agents);
    state.SetIterationTime(sbench::suites::to_seconds(std::chrono::steady_clock::now() - start));
    samples.push_back(sbench::suites::server_memory_stats(session.backend));
    sbench::suites::delete_agents(session.backend, ids);
  }
  return samples;
}

int largest(const std::vector<std::int64_t>& counts) {
  return static_cast<int>(*std::max_element(counts.begin(), counts.end()));
}

}  // namespace

SUITE_SERVER_CASE(memory_per_agent, "benchmark", "memory")
    .arg("agents", "memory_agent_counts")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto agents = static_cast<int>(state.range(0));
      const MemoryGrowth growth = measure_growth(state, fixtures.config(), agents);
      state.counters["server_rss_mb"] = to_mb(static_cast<double>(growth.last_rss_bytes));
      state.counters["rss_growth_mb"] = to_mb(median(growth.rss_bytes));
      state.counters["per_agent_mb"] = to_mb(median(growth.rss_bytes)) / agents;
      state.counters["kv_allocated_mb"] = to_mb(median(growth.kv_allocated_bytes));
    });

// Theoretical KV = tokens x layers x KV heads x head dim x 2 (K and V) x
// bytes per element, as the server computes it (kv_bytes_theoretical); the
// measured memory is the growth of its RSS.
SUITE_SERVER_CASE(actual_vs_theoretical_memory, "benchmark", "memory")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const MemoryGrowth growth = measure_growth(state, fixtures.config(), 1);
      const double theoretical = median(growth.kv_theoretical_bytes);
      if (!(theoretical > 0))
        throw sbench::Skip("the server does not report its theoretical KV bytes");
      const double measured = median(growth.rss_bytes);
      state.counters["theoretical_mb"] = to_mb(theoretical);
      state.counters["measured_mb"] = to_mb(measured);
      state.counters["overhead_pct"] = (measured - theoretical) / theoretical * 100;
    });

// One agent whose context is not a multiple of the block size: the share of
// allocated KV memory no token uses.
SUITE_SERVER_CASE(block_padding_overhead, "benchmark", "memory")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      std::vector<double> padding_pct;
      for (const auto& stats : stats_with_agents(state, fixtures, 1)) {
        const auto allocated = static_cast<double>(
            sbench::suites::reported(stats.kv_bytes_allocated, "kv_bytes_allocated"));
        const auto theoretical = static_cast<double>(
            sbench::suites::reported(stats.kv_bytes_theoretical, "kv_bytes_theoretical"));
        padding_pct.push_back((allocated - theoretical) / allocated * 100);
      }
      state.counters["padding_pct"] = median(padding_pct);
    });

// The KV memory of the largest memory agent count against the weights.
SUITE_SERVER_CASE(cache_vs_model_memory_ratio, "benchmark", "memory")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const int agents =
          largest(fixtures.config().size<std::vector<std::int64_t>>("memory_agent_counts"));
      std::vector<double> kv_mb;
      std::vector<double> model_mb;
      for (const auto& stats : stats_with_agents(state, fixtures, agents)) {
        kv_mb.push_back(to_mb(static_cast<double>(
            sbench::suites::reported(stats.kv_bytes_allocated, "kv_bytes_allocated"))));
        model_mb.push_back(
            to_mb(static_cast<double>(sbench::suites::reported(stats.model_bytes, "model_bytes"))));
      }
      state.counters["kv_mb"] = median(kv_mb);
      state.counters["model_mb"] = median(model_mb);
      state.counters["cache_to_model_ratio"] = median(kv_mb) / median(model_mb);
    });

// `leak_cycles` create/generate/delete cycles with the server's RSS after
// each; the slope over the cycles after the allocator has settled should be
// about 0. One iteration: the cycles are the sample.
SBENCH_CASE(memory_leak_check)
    .markers({"benchmark", "memory"})
    .manual_time()
    .iterations(1)
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const int cycles = session.config.size<int>("leak_cycles");
      // The first fifth of the cycles (at least one) fills the free lists.
      const int settling = std::max(1, cycles / 5);
      std::vector<double> rss_kb;
      for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        for (int cycle = 0; cycle < cycles; ++cycle) {
          sbench::suites::run_agent_batch(session.backend, 1, 16);
          const double kb =
              static_cast<double>(sbench::suites::server_rss_bytes(session.server.pid())) / 1024;
          if (cycle >= settling)
            rss_kb.push_back(kb);
        }
        state.SetIterationTime(
            sbench::suites::to_seconds(std::chrono::steady_clock::now() - start));
      }
      state.counters["rss_slope_kb_per_cycle"] = sbench::suites::least_squares_slope(rss_kb);
      state.counters["cycles"] = cycles;
    });

SBENCH_BENCHMARK_SUITE_MAIN()
