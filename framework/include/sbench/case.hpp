#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "sbench/config.hpp"
#include "sbench/fixtures.hpp"
#include "sbench/markers.hpp"
#include "sbench/sizes.hpp"

// Registers a benchmark case, pytest style:
//
//   SBENCH_CASE(batched_agents)
//       .markers({"benchmark", "batching"})
//       .arg("agents", "agent_list")     // the values of the size named agent_list
//       .run([](benchmark::State& state, ServerFixture& server) {
//         for (auto _ : state) tokens += server.generate_batch(state.range(0));
//         state.counters["tokens_per_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
//       });
//
// The fixtures a case needs are the parameters after `state`; each is built
// once per executable on first use (see sbench/fixtures.hpp). A parameter of
// type sbench::Fixtures& gives the config and on-demand access instead.
#define SBENCH_CASE(name)                                             \
  [[maybe_unused]] static ::sbench::CaseBuilder& sbench_case_##name = \
      ::sbench::register_case(#name, __FILE__, __LINE__)

namespace sbench {

// Throw from anywhere in a case to skip it with a reason, e.g. a capability
// the backend lacks.
class Skip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Skips the running case with a reason.
void skip(benchmark::State& state, std::string_view reason);

// Why a reported run was skipped; nullopt for one that measured or errored.
// (Google Benchmark 1.7.1 has no skip of its own: a skip travels as an error
// that only this function tells from a real one.)
std::optional<std::string_view> skip_reason(const benchmark::BenchmarkReporter::Run& run);

// One argument axis; several axes expand to their cartesian product, one
// Google Benchmark instance per combination (the case is one CTest test).
struct CaseAxis {
  std::string name;
  std::function<std::vector<std::int64_t>(const Config&)> values;
};

// What a case may set on its Google Benchmark instances, in a type of ours:
// user code never names Google Benchmark's internal Benchmark class, which moved in
// Google Benchmark 1.8. Unset fields keep Google Benchmark's defaults.
struct CaseTuning {
  std::optional<std::int64_t> iterations;
  std::optional<int> repetitions;
  std::optional<double> min_time_s;
  std::optional<benchmark::TimeUnit> unit;
  std::vector<int> threads;  // one instance per thread count
};

using CaseBody = std::function<void(benchmark::State&, Fixtures&)>;
using CaseTuner = std::function<void(CaseTuning&, const Config&)>;

struct CaseDefinition {
  std::string name;
  MarkerSet markers;
  std::vector<CaseAxis> axes;
  std::vector<std::string> sizes;  // read by the body; checked at start-up
  bool manual_time = false;
  std::vector<CaseTuner> tuners;
  CaseBody body;
  std::string defined_at;  // file:line, for start-up errors

  // The tuning for this run's config: every tuner applied in order.
  CaseTuning tuning(const Config& config) const;
};

namespace detail {

template <class Needed>
Needed& fixture_argument(Fixtures& fixtures) {
  if constexpr (std::is_same_v<Needed, Fixtures>) {
    return fixtures;
  } else {
    return fixtures.template get<Needed>();
  }
}

template <class Body, class... Needed>
CaseBody bind_fixtures(Body body, void (Body::*)(benchmark::State&, Needed&...) const) {
  return [body](benchmark::State& state, Fixtures& fixtures) {
    // Braced initialisation evaluates left to right, so fixtures are built in
    // the order the case lists them.
    std::tuple<Needed&...> needed{fixture_argument<Needed>(fixtures)...};
    std::apply([&](Needed&... fixture) { body(state, fixture...); }, needed);
  };
}

}  // namespace detail

class CaseBuilder {
 public:
  explicit CaseBuilder(CaseDefinition& definition) : definition_(definition) {}

  CaseBuilder& markers(std::initializer_list<std::string_view> names);

  CaseBuilder& arg(std::string name, std::vector<std::int64_t> values);
  // The values of the size named `size` (an integer or an array of
  // integers; they differ between full and quick runs): `.arg("agents",
  // "agent_list")`. A size no file or default defines is a start-up error.
  CaseBuilder& arg(std::string name, std::string_view size);

  // The sizes the body reads with config.size<T>(...), checked at start-up so
  // a missing one stops the suite before anything runs.
  CaseBuilder& sizes(std::initializer_list<std::string_view> names);

  // The case times itself with state.SetIterationTime(). Otherwise it is
  // timed on the wall clock: CPU time would make kIsRate counters of
  // network-bound cases absurd.
  CaseBuilder& manual_time();

  // Exactly this many measured iterations per instance, or as many as the
  // integer size named `size` says.
  CaseBuilder& iterations(std::int64_t count);
  CaseBuilder& iterations(std::string_view size);

  // Anything else of CaseTuning, decided from the config:
  // `.tune([](sbench::CaseTuning& t, const sbench::Config&) { t.unit = benchmark::kMillisecond;
  // })`.
  CaseBuilder& tune(CaseTuner tuner);

  // `body` is a lambda taking benchmark::State& and then the fixtures it needs.
  template <class Body>
  CaseBuilder& run(Body body) {
    definition_.body = detail::bind_fixtures(std::move(body), &Body::operator());
    return *this;
  }

 private:
  CaseDefinition& definition_;
};

CaseBuilder& register_case(std::string name, const char* file, int line);

// A snapshot of every case SBENCH_CASE registered in this executable.
std::vector<CaseDefinition> registered_cases();

}  // namespace sbench
