#pragma once

#include <benchmark/benchmark.h>

#include <ostream>
#include <vector>

namespace sbench::detail {

// Every counter and the time of each measured instance as a CTest
// measurement:
// CTest keeps a <DartMeasurement> line of a test's output as a named value
// of the test (CDash, Test.xml) and drops it from the output, so a plain
// `measurement:` line before it keeps the value in logs and JUnit reports.
// With repetitions only the aggregates are reported.
void print_ctest_measurements(const std::vector<benchmark::BenchmarkReporter::Run>& runs,
                              std::ostream& out);

// The CTest tests sbench_add_suite() declares set SBENCH_CTEST_MEASUREMENTS=1;
// a suite run by hand prints no measurement lines.
bool ctest_measurements_wanted();

}  // namespace sbench::detail
