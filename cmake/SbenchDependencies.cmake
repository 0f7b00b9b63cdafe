# The packages semantic-bench's libraries link to. Read by this build and by
# the installed sbenchConfig.cmake, so a user's project finds exactly what the
# libraries were built against (all Debian 12 packages, see scripts/setup).
# Inside sbenchConfig.cmake a missing one makes find_package(sbench) fail
# with its name; in this build it is a configure error.
include(CMakeFindDependencyMacro)
macro(sbench_find_package name)
  if(CMAKE_FIND_PACKAGE_NAME STREQUAL "sbench")
    find_dependency(${name} ${ARGN})
  else()
    find_package(${name} ${ARGN} REQUIRED)
  endif()
endmacro()

sbench_find_package(Threads)
sbench_find_package(Boost 1.74 COMPONENTS filesystem system)
sbench_find_package(nlohmann_json 3)
sbench_find_package(tomlplusplus)
sbench_find_package(benchmark)
sbench_find_package(SQLite3)
sbench_find_package(OpenSSL)
sbench_find_package(PkgConfig)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
