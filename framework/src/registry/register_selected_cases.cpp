#include "registry/case_registration.hpp"

namespace sbench {
namespace {

void add_axes(const CaseDefinition& definition, const Config& config,
              benchmark::internal::Benchmark& benchmark) {
  if (definition.axes.empty())
    return;
  std::vector<std::string> names;
  std::vector<std::vector<std::int64_t>> values;
  for (const CaseAxis& axis : definition.axes) {
    names.push_back(axis.name);
    values.push_back(axis.values(config));
  }
  benchmark.ArgNames(names);
  benchmark.ArgsProduct(values);
}

void apply_tuning(const CaseTuning& tuning, benchmark::internal::Benchmark& benchmark) {
  if (tuning.iterations)
    benchmark.Iterations(*tuning.iterations);
  if (tuning.repetitions)
    benchmark.Repetitions(*tuning.repetitions);
  if (tuning.min_time_s)
    benchmark.MinTime(*tuning.min_time_s);
  if (tuning.unit)
    benchmark.Unit(*tuning.unit);
  for (int threads : tuning.threads)
    benchmark.Threads(threads);
}

}  // namespace

std::vector<const CaseDefinition*> register_selected_cases(const std::vector<CaseDefinition>& cases,
                                                           const MarkerExpression& selection,
                                                           const Config& config,
                                                           Fixtures& fixtures) {
  std::vector<const CaseDefinition*> selected;
  for (const CaseDefinition& definition : cases) {
    if (!selection.selects(definition.markers))
      continue;
    benchmark::internal::Benchmark* benchmark = benchmark::RegisterBenchmark(
        definition.name.c_str(), [&definition, &fixtures](benchmark::State& state) {
          run_case(definition, state, fixtures);
        });
    if (definition.manual_time) {
      benchmark->UseManualTime();
    } else {
      benchmark->UseRealTime();
    }
    add_axes(definition, config, *benchmark);
    apply_tuning(definition.tuning(config), *benchmark);
    selected.push_back(&definition);
  }
  return selected;
}

}  // namespace sbench
