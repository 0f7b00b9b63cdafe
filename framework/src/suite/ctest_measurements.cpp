#include "ctest_measurements.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

namespace sbench::detail {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

struct Measurement {
  std::string name;
  double value;
};

std::vector<Measurement> measurements_of(const std::vector<Run>& runs) {
  std::vector<Measurement> measurements;
  for (const Run& run : runs) {
    if (run.error_occurred || (run.repetitions > 1 && run.run_type == Run::RT_Iteration))
      continue;
    const std::string name = run.benchmark_name();
    measurements.push_back({name + ":real_time_" + benchmark::GetTimeUnitString(run.time_unit),
                            run.GetAdjustedRealTime()});
    for (const auto& [counter, value] : run.counters)
      measurements.push_back({name + ":" + counter, value.value});
  }
  return measurements;
}

}  // namespace

bool ctest_measurements_wanted() {
  const char* wanted = std::getenv("SBENCH_CTEST_MEASUREMENTS");
  return wanted != nullptr && std::string_view(wanted) == "1";
}

void print_ctest_measurements(const std::vector<Run>& runs, std::ostream& out) {
  const std::vector<Measurement> measurements = measurements_of(runs);
  // CTest keeps only the first 1024 bytes of a passed test's output unless
  // the output contains CTEST_FULL_OUTPUT; these lines come after the table.
  out << "sbench: " << measurements.size() << " measurements (CTEST_FULL_OUTPUT)\n";
  for (const Measurement& m : measurements)
    out << "measurement: " << m.name << " = " << m.value << "\n";
  // Last and together: CTest removes everything from the first tag to the
  // last, so a plain line between two tags would be lost.
  for (const Measurement& m : measurements) {
    out << "<DartMeasurement type=\"numeric/double\" name=\"" << m.name << "\">" << m.value
        << "</DartMeasurement>\n";
  }
}

}  // namespace sbench::detail
