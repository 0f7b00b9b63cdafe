# sbench_add_suite(NAME <name> SOURCES <file>... [LIBS <target>...])
#
# Builds one suite executable and registers each of its cases as a CTest test
# (all its instances, in one process) labelled with the case's markers, so `ctest -L benchmark -LE slow`
# selects what `-m "benchmark and not slow"` would. Like gtest_discover_tests
# (POST_BUILD mode): after each build the executable lists its cases and a
# generated script declares the tests, which ctest includes.
set(_SBENCH_SUITE_DISCOVERY_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/SbenchSuiteDiscovery.cmake)

function(sbench_add_suite)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SOURCES)
    message(FATAL_ERROR "sbench_add_suite needs NAME and SOURCES")
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  # The suite main and what it needs; a suite names any other framework area
  # (http, stats, ...) in LIBS, so an example suite does not build Beast.
  target_link_libraries(${ARG_NAME} PRIVATE sbench::framework_suite ${ARG_LIBS})
  sbench_target_warnings(${ARG_NAME})

  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_cases.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_include.cmake")
  add_custom_command(TARGET ${ARG_NAME} POST_BUILD
    BYPRODUCTS ${tests_file}
    COMMAND ${CMAKE_COMMAND}
      -D SUITE_NAME=${ARG_NAME}
      -D SUITE_EXECUTABLE=$<TARGET_FILE:${ARG_NAME}>
      -D WORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}
      -D TESTS_FILE=${tests_file}
      -P ${_SBENCH_SUITE_DISCOVERY_SCRIPT}
    COMMENT "Listing the cases of ${ARG_NAME}"
    VERBATIM)
  # ctest reads this at start; before the first build there is nothing to run.
  file(WRITE ${include_file}
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${ARG_NAME}_NOT_BUILT ${ARG_NAME}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
