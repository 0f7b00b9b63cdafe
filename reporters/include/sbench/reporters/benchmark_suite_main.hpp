#pragma once

#include <filesystem>

#include "sbench/reporters/results_finisher.hpp"
#include "sbench/suite.hpp"

// main() of a benchmark suite whose results go to the results file and are
// checked against the targets: the suite is named after its executable.
#define SBENCH_BENCHMARK_SUITE_MAIN()                                                       \
  int main(int argc, char** argv) {                                                         \
    const std::string suite_name =                                                          \
        argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "suite";            \
    return ::sbench::run_suite(argc, argv, ::sbench::reporters::results_hooks(suite_name)); \
  }
