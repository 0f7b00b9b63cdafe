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

set(script "")
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(FIND "${line}" "\t" tab)
  string(SUBSTRING "${line}" 0 ${tab} instance)
  math(EXPR markers_start "${tab} + 1")
  string(SUBSTRING "${line}" ${markers_start} -1 markers)
  string(REPLACE "," ";" labels "${markers}")
  # The filter is a regex matched against the instance name; only this one.
  string(REGEX REPLACE "([][.*+?^$(){}|\\\\])" "\\\\\\1" escaped "${instance}")
  set(test "${SUITE_NAME}.${instance}")
  # Benchmarks write their results; the sbench_results fixture clears the
  # previous run's before the first and merges them after the last.
  set(fixture "")
  if("benchmark" IN_LIST labels)
    set(fixture "  FIXTURES_REQUIRED sbench_results\n")
  endif()
  string(APPEND script
    "add_test([==[${test}]==] \"${SUITE_EXECUTABLE}\" [==[--benchmark_filter=^${escaped}$]==] --markers=)\n"
    "set_tests_properties([==[${test}]==] PROPERTIES\n"
    "  LABELS [==[${labels}]==] SKIP_RETURN_CODE 77\n${fixture}"
    "  WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==])\n")
endforeach()
file(WRITE "${TESTS_FILE}" "${script}")
