# Script mode, run after a suite executable is built (see SbenchSuite.cmake):
# turns `<suite> --list-cases` into add_test() lines in TESTS_FILE.
# Inputs: SUITE_NAME, SUITE_EXECUTABLE, WORKING_DIRECTORY, TESTS_FILE.
cmake_minimum_required(VERSION 3.25)

# `--markers=` overrides any run.markers default: discovery must see every
# case, and labels do the selecting.
execute_process(
  COMMAND "${SUITE_EXECUTABLE}" --list-cases --markers=
  WORKING_DIRECTORY "${WORKING_DIRECTORY}"
  TIMEOUT 60
  RESULT_VARIABLE result
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${SUITE_EXECUTABLE} --list-cases failed (${result}):\n${errors}${listing}")
endif()

# One test per case, not per instance: instance names carry sizes and
# iteration counts that differ between full and quick runs
# (`cache_load_time/tokens:2000` vs `tokens:256`), so a test per instance
# found at build time would match nothing in a quick run.
set(script "")
set(seen_cases "")
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(FIND "${line}" "\t" tab)
  string(SUBSTRING "${line}" 0 ${tab} instance)
  string(FIND "${instance}" "/" slash)
  string(SUBSTRING "${instance}" 0 ${slash} case_name)
  if(case_name IN_LIST seen_cases)
    continue()
  endif()
  list(APPEND seen_cases "${case_name}")
  math(EXPR markers_start "${tab} + 1")
  string(SUBSTRING "${line}" ${markers_start} -1 markers)
  string(REPLACE "," ";" labels "${markers}")
  set(test "${SUITE_NAME}.${case_name}")
  # Benchmarks write their results; the sbench_results fixture clears the
  # previous run's before the first and merges them after the last.
  set(fixture "")
  if("benchmark" IN_LIST labels)
    set(fixture "  FIXTURES_REQUIRED sbench_results\n")
  endif()
  # Case names are C identifiers: the filter needs no escaping.
  string(APPEND script
    "add_test([==[${test}]==] \"${SUITE_EXECUTABLE}\" [==[--benchmark_filter=^${case_name}/]==] --markers=)\n"
    "set_tests_properties([==[${test}]==] PROPERTIES\n"
    "  LABELS [==[${labels}]==] SKIP_RETURN_CODE 77\n${fixture}"
    "  ENVIRONMENT SBENCH_CTEST_MEASUREMENTS=1\n"
    "  WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==])\n")
endforeach()
file(WRITE "${TESTS_FILE}" "${script}")
