#include "case_entries.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "sbench/stats/summary.hpp"
#include "strict_numbers.hpp"

namespace sbench::reporters::detail {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

// Runs of one instance, in the order Google Benchmark reported them.
struct Instance {
  std::string name;
  std::vector<const Run*> runs;
};

std::vector<Instance> instances_of(const std::vector<Run>& runs) {
  std::vector<Instance> instances;
  std::map<std::string, std::size_t> index;
  for (const Run& run : runs) {
    const std::string name = run.run_name.str();
    auto [found, added] = index.try_emplace(name, instances.size());
    if (added)
      instances.push_back({name, {}});
    instances[found->second].runs.push_back(&run);
  }
  return instances;
}

// "tokens:2000/agents:3" -> {"tokens": 2000, "agents": 3}.
nlohmann::json args_of(const std::string& args) {
  nlohmann::json parsed = nlohmann::json::object();
  std::size_t start = 0;
  while (start < args.size()) {
    std::size_t end = args.find('/', start);
    if (end == std::string::npos)
      end = args.size();
    const std::string piece = args.substr(start, end - start);
    const auto colon = piece.find(':');
    if (colon != std::string::npos) {
      const std::string value = piece.substr(colon + 1);
      std::int64_t number = 0;
      const auto [last, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      const bool integer = error == std::errc() && last == value.data() + value.size();
      parsed[piece.substr(0, colon)] = integer ? nlohmann::json(number) : nlohmann::json(value);
    }
    start = end + 1;
  }
  return parsed;
}

nlohmann::json markers_of(const std::string& case_name, const SuiteOutcome& outcome) {
  nlohmann::json markers = nlohmann::json::array();
  for (const CaseDefinition* definition : outcome.cases) {
    if (definition->name != case_name)
      continue;
    for (const std::string& marker : definition->markers)
      markers.push_back(marker);
  }
  return markers;
}

nlohmann::json counters_of(const Run& run, const std::string& where, StrictNumbers& numbers) {
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, counter] : run.counters)
    counters[name] = numbers(counter.value, name + where);
  return counters;
}

nlohmann::json repetition_of(const Run& run, std::size_t index, StrictNumbers& numbers) {
  const std::string where = " in repetition " + std::to_string(index + 1);
  return {{"real_time", numbers(run.GetAdjustedRealTime(), "real_time" + where)},
          {"cpu_time", numbers(run.GetAdjustedCPUTime(), "cpu_time" + where)},
          {"iterations", run.iterations},
          {"counters", counters_of(run, where, numbers)}};
}

// An aggregate's times and counters side by side. A CV is a ratio, not a
// time per iteration (Google Benchmark's JSON writer makes the same choice).
nlohmann::json aggregate_of(const Run& run, StrictNumbers& numbers) {
  const bool ratio = run.aggregate_unit == benchmark::kPercentage;
  const std::string where = " of the " + run.aggregate_name;
  nlohmann::json aggregate = counters_of(run, where, numbers);
  aggregate["real_time"] =
      numbers(ratio ? run.real_accumulated_time : run.GetAdjustedRealTime(), "real_time" + where);
  aggregate["cpu_time"] =
      numbers(ratio ? run.cpu_accumulated_time : run.GetAdjustedCPUTime(), "cpu_time" + where);
  return aggregate;
}

void warn_on_high_cv(const std::vector<const Run*>& measured, StrictNumbers& numbers) {
  if (measured.size() < 2)
    return;
  std::map<std::string, std::vector<double>> samples;
  for (const Run* run : measured) {
    samples["real_time"].push_back(run->GetAdjustedRealTime());
    for (const auto& [name, counter] : run->counters)
      samples[name].push_back(counter.value);
  }
  for (const auto& [name, sample] : samples) {
    const stats::Summary summary = stats::summarize(sample);
    if (summary.high_cv()) {
      std::array<char, 32> cv{};
      std::snprintf(cv.data(), cv.size(), "%.2f", summary.cv);
      numbers.warn("high CV " + std::string(cv.data()) + " on " + name);
    }
  }
}

nlohmann::json checks_of(const MeasurementChecks& checks) {
  const auto source = checks.token_count_source();
  return {{"token_count_source", source ? nlohmann::json(*source) : nullptr},
          {"generations", checks.generations},
          {"streams", checks.streams},
          {"estimated_streams", checks.estimated_streams},
          {"usage_mismatches", checks.usage_mismatches},
          {"resumes_timed", checks.resumes_timed},
          {"resumes_without_time_saved", checks.resumes_without_time_saved},
          {"sends", checks.sends},
          {"late_sends", checks.late_sends}};
}

nlohmann::json entry_of(const Instance& instance, const SuiteOutcome& outcome,
                        const std::string& suite) {
  const Run& first = *instance.runs.front();
  StrictNumbers numbers;
  std::string status = "ok";
  std::string message;
  std::vector<const Run*> measured;
  nlohmann::json aggregates = nlohmann::json::object();
  for (const Run* run : instance.runs) {
    if (run->run_type == Run::RT_Aggregate) {
      aggregates[run->aggregate_name] = aggregate_of(*run, numbers);
    } else if (!run->error_occurred) {
      measured.push_back(run);
    } else if (status == "ok") {
      const std::optional<std::string_view> skipped = skip_reason(*run);
      status = skipped ? "skipped" : "error";
      message = skipped ? std::string(*skipped) : run->error_message;
    }
  }
  nlohmann::json repetitions = nlohmann::json::array();
  for (std::size_t index = 0; index < measured.size(); ++index)
    repetitions.push_back(repetition_of(*measured[index], index, numbers));
  warn_on_high_cv(measured, numbers);
  // The headline: the median when there are repetitions, else the one run.
  nlohmann::json counters = nlohmann::json::object();
  if (aggregates.contains("median")) {
    counters = aggregates["median"];
    counters.erase("real_time");
    counters.erase("cpu_time");
  } else if (!repetitions.empty()) {
    counters = repetitions.back()["counters"];
  }
  MeasurementChecks checks;
  if (const auto found = outcome.checks.find(instance.name); found != outcome.checks.end())
    checks = found->second;
  for (const std::string& warning : checks.warnings)
    numbers.warn(warning);
  return {{"suite", suite},
          {"case", first.run_name.function_name},
          {"instance", instance.name},
          {"args", args_of(first.run_name.args)},
          {"markers", markers_of(first.run_name.function_name, outcome)},
          {"status", status},
          {"message", message},
          {"time_unit", benchmark::GetTimeUnitString(first.time_unit)},
          {"iterations", measured.empty() ? 0 : measured.front()->iterations},
          {"repetitions", repetitions},
          {"aggregates", aggregates},
          {"counters", counters},
          {"checks", checks_of(checks)},
          {"warnings", numbers.warnings()}};
}

}  // namespace

nlohmann::json case_entries(const SuiteOutcome& outcome, const std::string& suite) {
  nlohmann::json entries = nlohmann::json::array();
  for (const Instance& instance : instances_of(outcome.runs))
    entries.push_back(entry_of(instance, outcome, suite));
  return entries;
}

}  // namespace sbench::reporters::detail
