// Cache resume: saving and loading an agent's KV cache by context size, and
// how much faster a loaded agent answers than one that prefills from scratch
// (the original suite's test_cache_resume).
#include <sbench/case.hpp>
#include <sbench/reporters/benchmark_suite_main.hpp>
#include <string>
#include <suite_support/agents.hpp>
#include <suite_support/cache_timing.hpp>
#include <suite_support/case_session.hpp>
#include <suite_support/counters.hpp>
#include <suite_support/saved_agent.hpp>
#include <suite_support/server_case.hpp>
#include <vector>

namespace {

using sbench::suites::median;
using sbench::suites::SavedAgent;

// The agent's context size is the case's `tokens` argument.
SavedAgent saved_agent_for(benchmark::State& state, const sbench::suites::CaseSession& session) {
  return sbench::suites::saved_context(session.backend, session.config,
                                       static_cast<int>(state.range(0)));
}

// Time to the first token of a fresh agent prefilling `tokens` prompt tokens.
double cold_ttft_ms(sbench::BackendClient& backend, int tokens) {
  const std::vector<std::string> agent = sbench::suites::fresh_agent_ids("cold", 1);
  sbench::suites::create_agents(backend, agent);
  sbench::GenerateRequest request;
  request.agent = agent.front();
  request.prompt = sbench::PromptTokens{tokens};
  request.max_tokens = 1;
  request.stream = true;
  request.timeout = sbench::suites::prefill_timeout(tokens);
  const sbench::GenerateResult result = backend.generate(request);
  sbench::suites::require_usage(result, request.agent);
  sbench::suites::delete_agents(backend, agent);
  return sbench::suites::first_token_ms(result);
}

}  // namespace

SUITE_SERVER_CASE(cache_save_time, "benchmark", "cache")
    .arg("tokens", "cache_token_counts")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const SavedAgent saved = saved_agent_for(state, session);
      const auto saves = sbench::suites::time_saves(state, session.backend, saved);
      state.counters["save_ms"] = saves.median_ms();
      state.counters["save_mb_per_s"] = saves.mb_per_s();
    });

// Each iteration unloads the agent and loads it back from the same file; the
// generation after each load proves the cache was used (docs/MEASURING.md, "Verified reuse").
SUITE_SERVER_CASE(cache_load_time, "benchmark", "cache")
    .arg("tokens", "cache_token_counts")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const SavedAgent saved = saved_agent_for(state, session);
      const auto loads = sbench::suites::time_loads(state, session.backend, saved);
      state.counters["load_ms"] = loads.median_ms();
      state.counters["load_mb_per_s"] = loads.mb_per_s();
    });

SUITE_SERVER_CASE(resume_generation_speed, "benchmark", "cache")
    .arg("tokens", "cache_token_counts")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const SavedAgent saved = saved_agent_for(state, session);
      std::vector<double> ttft_ms;
      for (auto _ : state) {
        (void)sbench::suites::load_saved(session.backend, saved);  // checked inside; not timed
        ttft_ms.push_back(sbench::suites::first_token_ms(
            sbench::suites::generate_after_load(session.backend, saved, 1)));
        state.SetIterationTime(ttft_ms.back() / 1e3);
      }
      state.counters["ttft_after_load_ms"] = median(ttft_ms);
    });

// Cold: a fresh agent prefills the whole context before its first token.
// Resume: the saved context is loaded, then the first token. Timed: resume.
SUITE_SERVER_CASE(cold_start_vs_cache_resume, "benchmark", "cache")
    .arg("tokens", "cache_token_counts")
    .run([](benchmark::State& state, sbench::Fixtures& fixtures) {
      const auto session = sbench::suites::start_case(fixtures);
      const SavedAgent saved = saved_agent_for(state, session);
      std::vector<double> cold_ms;
      std::vector<double> resume_ms;
      for (auto _ : state) {
        cold_ms.push_back(cold_ttft_ms(session.backend, saved.tokens));
        const auto load = sbench::suites::load_saved(session.backend, saved);
        const auto first = sbench::suites::generate_after_load(session.backend, saved, 1);
        resume_ms.push_back(load.client_ms + sbench::suites::first_token_ms(first));
        state.SetIterationTime(resume_ms.back() / 1e3);
      }
      state.counters["cold_ttft_ms"] = median(cold_ms);
      state.counters["resume_ms"] = median(resume_ms);
      state.counters["speedup"] = median(cold_ms) / median(resume_ms);
    });

SBENCH_BENCHMARK_SUITE_MAIN()
