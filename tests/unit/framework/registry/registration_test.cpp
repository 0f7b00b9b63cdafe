#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "registry/case_registration.hpp"

namespace sbench {
namespace {

// Keeps what Google Benchmark reports instead of printing it.
class CapturingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    this->runs.insert(this->runs.end(), runs.begin(), runs.end());
  }
  std::vector<Run> runs;
};

CaseDefinition make_case(std::string name, MarkerSet markers, CaseBody body) {
  CaseDefinition definition;
  definition.name = std::move(name);
  definition.markers = std::move(markers);
  definition.body = std::move(body);
  definition.defined_at = "test.cpp:1";
  // One iteration keeps the test fast; measurement is not the point here.
  definition.tuners.push_back([](CaseTuning& tuning, const Config&) { tuning.iterations = 1; });
  return definition;
}

std::vector<benchmark::BenchmarkReporter::Run> run_matching(const std::string& filter) {
  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, filter);
  return reporter.runs;
}

std::string validation_error(const std::vector<CaseDefinition>& cases, const Config& config) {
  try {
    validate_cases(cases, config);
  } catch (const std::exception& error) {
    return error.what();
  }
  return "no error";
}

const CaseBody empty_body = [](benchmark::State& state, Fixtures&) {
  for (auto _ : state) {
  }
};

TEST(Registration, AxesExpandToOneInstancePerCombinationOnTheWallClock) {
  Config config;
  config.run.quick = true;
  config.quick_sizes.set("agent_counts", {1, 3});
  Fixtures fixtures(config);
  std::vector<CaseDefinition> cases = {make_case("expands", {"benchmark"}, empty_body)};
  cases[0].axes.push_back({"agents", [](const Config& c) {
                             return c.size<std::vector<std::int64_t>>("agent_counts");
                           }});
  cases[0].axes.push_back({"tokens", [](const Config&) {
                             return std::vector<std::int64_t>{2048, 4096};
                           }});
  register_selected_cases(cases, MarkerExpression(), config, fixtures);

  std::vector<std::string> names;
  for (const auto& run : run_matching("^expands/"))
    names.push_back(run.benchmark_name());
  // Google Benchmark varies the first axis fastest.
  EXPECT_EQ(names,
            (std::vector<std::string>{"expands/agents:1/tokens:2048/iterations:1/real_time",
                                      "expands/agents:3/tokens:2048/iterations:1/real_time",
                                      "expands/agents:1/tokens:4096/iterations:1/real_time",
                                      "expands/agents:3/tokens:4096/iterations:1/real_time"}));
}

TEST(Registration, ASizeNoFileDefinesStopsTheSuiteAtStartUpNamingTheKey) {
  Config config;
  config.full_sizes.set("rounds", 2);
  std::vector<CaseDefinition> cases = {make_case("needs_sizes", {}, empty_body)};
  cases[0].sizes = {"rounds", "leak_cycles"};
  try {
    validate_cases(cases, config);
    ADD_FAILURE() << "a missing size was not reported";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("case needs_sizes (test.cpp:1): size "
                                                   "'leak_cycles' is not defined"));
  }
  cases[0].sizes = {"rounds"};
  cases[0].axes.push_back({"agents", [](const Config& c) {
                             return c.size<std::vector<std::int64_t>>("agent_counts");
                           }});
  EXPECT_THROW(validate_cases(cases, config), ConfigError);
  config.full_sizes.set("agent_counts", 3);
  EXPECT_NO_THROW(validate_cases(cases, config));
}

TEST(Registration, TuningFromSizesSetsTheIterationsOfEveryInstance) {
  Config config;
  config.full_sizes.set("rounds", 4);
  Fixtures fixtures(config);
  std::vector<CaseDefinition> cases = {make_case("tuned_by_size", {}, empty_body)};
  cases[0].tuners.push_back([](CaseTuning& tuning, const Config& c) {
    tuning.iterations = c.size<std::int64_t>("rounds");
    tuning.unit = benchmark::kMillisecond;
  });
  register_selected_cases(cases, MarkerExpression(), config, fixtures);
  const auto runs = run_matching("^tuned_by_size");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].iterations, 4);
  EXPECT_EQ(runs[0].time_unit, benchmark::kMillisecond);
}

TEST(Registration, ManualTimeCasesAreTimedByTheCase) {
  Config config;
  Fixtures fixtures(config);
  std::vector<CaseDefinition> cases = {
      make_case("manual", {}, [](benchmark::State& state, Fixtures&) {
        for (auto _ : state)
          state.SetIterationTime(0.25);
      })};
  cases[0].manual_time = true;
  register_selected_cases(cases, MarkerExpression(), config, fixtures);
  const auto runs = run_matching("^manual/");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].benchmark_name(), "manual/iterations:1/manual_time");
  EXPECT_DOUBLE_EQ(runs[0].real_accumulated_time, 0.25);
}

TEST(Registration, OnlySelectedCasesAreRegistered) {
  Config config;
  Fixtures fixtures(config);
  const std::vector<CaseDefinition> cases = {
      make_case("picked", {"benchmark"}, empty_body),
      make_case("left_out", {"benchmark", "slow"}, empty_body)};
  const auto selected = register_selected_cases(
      cases, MarkerExpression::parse("benchmark and not slow"), config, fixtures);
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0]->name, "picked");
  EXPECT_TRUE(run_matching("^left_out").empty());
}

TEST(Registration, ExceptionsBecomeCaseErrorsAndSkipsStaySkips) {
  Config config;
  Fixtures fixtures(config);
  const std::vector<CaseDefinition> cases = {
      make_case("throws", {},
                [](benchmark::State&, Fixtures&) { throw std::runtime_error("boom"); }),
      make_case("skips", {}, [](benchmark::State&, Fixtures&) { throw Skip("no cache API"); }),
      make_case("throws_in_loop", {}, [](benchmark::State& state, Fixtures&) {
        for (auto _ : state)
          throw std::runtime_error("mid-loop");
      })};
  register_selected_cases(cases, MarkerExpression(), config, fixtures);
  const auto runs = run_matching("^(throws|skips|throws_in_loop)/");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].error_message, "boom");
  EXPECT_EQ(skip_reason(runs[0]), std::nullopt);
  EXPECT_EQ(skip_reason(runs[1]), "no cache API");
  EXPECT_EQ(runs[2].error_message, "mid-loop");
}

struct Unreachable : SuiteFixture {
  explicit Unreachable(const Config&) {
    ++attempts;
    throw std::runtime_error("connection refused");
  }
  static inline int attempts = 0;
};

}  // namespace

// What a suite author writes; the tests below look at what it registered.
SBENCH_CASE(first_user).run([](benchmark::State& state, Unreachable&) {
  for (auto _ : state) {
  }
});

SBENCH_CASE(second_user).run([](benchmark::State& state, Fixtures& fixtures, Unreachable&) {
  for (auto _ : state)
    benchmark::DoNotOptimize(fixtures.config());
});

SBENCH_CASE(built_with_builder)
    .markers({"benchmark", "slow"})
    .arg("agents", "agent_counts")
    .arg("tokens", {2048, 4096})
    .sizes({"warmup"})
    .iterations("rounds")
    .manual_time()
    .run([](benchmark::State& state) {
      for (auto _ : state)
        state.SetIterationTime(1);
    });

namespace {

const CaseDefinition& registered(std::string_view name) {
  static const std::vector<CaseDefinition> cases = registered_cases();
  for (const CaseDefinition& definition : cases) {
    if (definition.name == name)
      return definition;
  }
  throw std::logic_error("not registered: " + std::string(name));
}

TEST(CaseBuilder, RecordsMarkersAxesAndTiming) {
  const CaseDefinition& definition = registered("built_with_builder");
  EXPECT_EQ(definition.markers, (MarkerSet{"benchmark", "slow"}));
  ASSERT_EQ(definition.axes.size(), 2u);
  Config config;
  config.full_sizes.set("agent_counts", {1, 3, 5});
  config.quick_sizes.set("agent_counts", 2);
  EXPECT_EQ(definition.axes[0].name, "agents");
  EXPECT_EQ(definition.axes[0].values(config), (std::vector<std::int64_t>{1, 3, 5}));
  config.run.quick = true;
  EXPECT_EQ(definition.axes[0].values(config), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(definition.axes[1].values(config), (std::vector<std::int64_t>{2048, 4096}));
  EXPECT_EQ(definition.sizes, (std::vector<std::string>{"warmup", "rounds"}));
  config.quick_sizes.set("rounds", 6);
  EXPECT_EQ(definition.tuning(config).iterations, 6);
  EXPECT_TRUE(definition.manual_time);
  EXPECT_NE(definition.defined_at.find("registration_test.cpp:"), std::string::npos);
}

TEST(CaseBuilder, CasesNeedingABrokenFixtureReportItsErrorWithoutRetrying) {
  Config config;
  Fixtures fixtures(config);
  std::vector<CaseDefinition> cases = {registered("first_user"), registered("second_user")};
  register_selected_cases(cases, MarkerExpression(), config, fixtures);
  const auto runs = run_matching("^(first|second)_user/");
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.error_message,
              "fixture sbench::(anonymous namespace)::Unreachable failed: connection refused");
  }
  EXPECT_EQ(Unreachable::attempts, 1);
}

TEST(Validation, RejectsUndeclaredMarkersNamingCaseAndMarker) {
  const std::vector<CaseDefinition> cases = {
      make_case("uses_gpu", {"benchmark", "gpu"}, empty_body)};
  EXPECT_EQ(validation_error(cases, Config{}),
            "case uses_gpu (test.cpp:1) uses undeclared marker 'gpu' (declared: benchmark, slow; "
            "declare it under [markers] in sbench.toml)");
}

TEST(Validation, RejectsDuplicateNamesMissingBodiesAndBadNames) {
  EXPECT_EQ(validation_error(
                {make_case("twice", {}, empty_body), make_case("twice", {}, empty_body)}, Config{}),
            "case twice (test.cpp:1): another case has the same name");
  EXPECT_EQ(validation_error({make_case("no_body", {}, nullptr)}, Config{}),
            "case no_body (test.cpp:1): no .run(...) body");
  EXPECT_EQ(validation_error({make_case("bad/name", {}, empty_body)}, Config{}),
            "case bad/name (test.cpp:1): a case name is letters, digits and '_'");
}

}  // namespace
}  // namespace sbench
