// A suite as a user writes it in their own repository, against the installed
// semantic-bench: its own markers (sbench.toml), its own sizes (declared
// here, overridden by sbench.toml), a fixture of its own, and cases that
// measure the server under test through the public API only.
#include <sbench/sbench.hpp>
#include <stdexcept>
#include <string>

namespace {

// Full-run defaults and their quick-mode values; sbench.toml overrides both.
[[maybe_unused]] const bool sizes_declared = sbench::declare_default_sizes(
    {{"prompt_tokens", {64, 128}}, {"answer_tokens", 16}, {"rounds", 3}, {"agent_prefix", "user"}},
    {{"prompt_tokens", {16}}, {"answer_tokens", 4}, {"rounds", 1}, {"agent_prefix", "user"}});

// A suite-scope fixture of the user's own: one agent per executable, built on
// the server fixture the first time a case asks for it.
class WarmAgent : public sbench::SuiteFixture {
 public:
  explicit WarmAgent(sbench::Fixtures& fixtures)
      : backend(fixtures.get<sbench::ServerFixture>().backend()),
        name(fixtures.config().size<std::string>("agent_prefix") + "-warm") {
    if (const sbench::Status created = backend.create_agent(name); !created.ok())
      throw sbench::FixtureError("cannot create agent " + name + ": " + created.error);
  }
  sbench::BackendClient& backend;
  std::string name;
};

double completion_tokens(const sbench::GenerateResult& result) {
  if (!result.ok())
    throw std::runtime_error("generation failed: " + result.error);
  return result.usage ? static_cast<double>(result.usage->completion_tokens) : 0.0;
}

}  // namespace

// One instance per prompt length in the `prompt_tokens` size.
SBENCH_CASE(stateless_generation)
    .markers({"benchmark", "prompt"})
    .arg("prompt_tokens", "prompt_tokens")
    .sizes({"answer_tokens", "rounds"})
    .iterations("rounds")
    .run([](benchmark::State& state, sbench::ServerFixture& server, sbench::Fixtures& fixtures) {
      sbench::GenerateRequest request;
      request.prompt = sbench::PromptTokens{static_cast<int>(state.range(0))};
      request.max_tokens = fixtures.config().size<int>("answer_tokens");
      double tokens = 0;
      for (auto _ : state)
        tokens += completion_tokens(server.backend().generate(request));
      state.counters["tokens_per_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
    });

SBENCH_CASE(agent_turns)
    .markers({"benchmark", "prompt", "agents"})
    .sizes({"answer_tokens", "rounds"})
    .iterations("rounds")
    .run([](benchmark::State& state, WarmAgent& agent, sbench::Fixtures& fixtures) {
      sbench::GenerateRequest request;
      request.agent = agent.name;
      request.prompt = std::string("Tell me more.");
      request.max_tokens = fixtures.config().size<int>("answer_tokens");
      double tokens = 0;
      for (auto _ : state)
        tokens += completion_tokens(agent.backend.generate(request));
      state.counters["tokens_per_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
    });

// Not a benchmark: runs with the project's ordinary tests (ctest -LE benchmark).
SBENCH_CASE(server_answers)
    .markers({"smoke"})
    .iterations(1)
    .run([](benchmark::State& state, sbench::ServerFixture& server) {
      sbench::GenerateRequest request;
      request.prompt = std::string("Hello");
      request.max_tokens = 2;
      for (auto _ : state)
        if (completion_tokens(server.backend().generate(request)) != 2)
          state.SkipWithError("the server did not generate the 2 tokens asked for");
    });

SBENCH_BENCHMARK_SUITE_MAIN()
