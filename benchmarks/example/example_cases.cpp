// Example suite: real but cheap work, no server. Each case is what a
// benchmark author writes; the fixture shows a suite-scope resource.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sbench/sbench.hpp>
#include <string>
#include <vector>

namespace {

// The example's own size: full and quick runs; sbench.toml may override it.
[[maybe_unused]] const bool sizes_declared =
    sbench::declare_default_sizes({{"document_tokens", 500}}, {{"document_tokens", 64}});

std::vector<int> shuffled_ints(std::int64_t count) {
  std::vector<int> values(static_cast<std::size_t>(count));
  std::iota(values.begin(), values.end(), 0);
  std::shuffle(values.begin(), values.end(), std::mt19937(42));
  return values;
}

// Built once per executable, whichever case asks first: a results document
// shaped like a server's generate answers, sized by the run mode.
class SampleDocument : public sbench::SuiteFixture {
 public:
  explicit SampleDocument(const sbench::Config& config) {
    nlohmann::json agents = nlohmann::json::array();
    for (int agent = 0; agent < 200; ++agent) {
      agents.push_back({{"agent", "agent-" + std::to_string(agent)},
                        {"tokens", shuffled_ints(config.size<int>("document_tokens"))},
                        {"usage", {{"prompt_tokens", 128}, {"completion_tokens", 64}}}});
    }
    text = agents.dump();
  }
  std::string text;
};

}  // namespace

SBENCH_CASE(sort_throughput)
    .markers({"benchmark", "cpu"})
    .arg("elements", {1 << 10, 1 << 16})
    .run([](benchmark::State& state) {
      const std::vector<int> input = shuffled_ints(state.range(0));
      for (auto _ : state) {
        std::vector<int> copy = input;
        std::sort(copy.begin(), copy.end());
        benchmark::DoNotOptimize(copy.data());
      }
      state.counters["elements_per_s"] = benchmark::Counter(
          static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
    });

SBENCH_CASE(json_parse)
    .markers({"benchmark", "cpu"})
    .run([](benchmark::State& state, SampleDocument& document) {
      for (auto _ : state)
        benchmark::DoNotOptimize(nlohmann::json::parse(document.text));
      state.counters["bytes_per_s"] =
          benchmark::Counter(static_cast<double>(state.iterations() * document.text.size()),
                             benchmark::Counter::kIsRate);
    });

// Slow by marker, bounded in time: three sorts of 4M elements.
SBENCH_CASE(sort_large)
    .markers({"benchmark", "slow", "cpu"})
    .arg("elements", {1 << 22})
    .iterations(3)
    .run([](benchmark::State& state) {
      const std::vector<int> input = shuffled_ints(state.range(0));
      for (auto _ : state) {
        std::vector<int> copy = input;
        std::sort(copy.begin(), copy.end());
        benchmark::DoNotOptimize(copy.data());
      }
    });

// Not a benchmark: a correctness check that runs with the ordinary tests.
SBENCH_CASE(document_round_trip)
    .markers({"cpu"})
    .run([](benchmark::State& state, SampleDocument& document) {
      for (auto _ : state) {
        if (nlohmann::json::parse(document.text).dump() != document.text) {
          state.SkipWithError("JSON round trip changed the document");
          break;
        }
      }
    });

// What a case does when the backend lacks a capability: skip with the reason.
SBENCH_CASE(needs_a_server).markers({"benchmark"}).run([](benchmark::State& state) {
  sbench::skip(state, "the example suite starts no server");
  for (auto _ : state) {
  }
});

SBENCH_SUITE_MAIN()
