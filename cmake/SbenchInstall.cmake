# `cmake --install` and `cpack -G DEB`: the libraries with their headers, the
# `sbench`, `sbench-server` and `sbench-make-checkpoint` tools, the targets
# files and the results schema, and the CMake package a user's project reads:
#
#   find_package(sbench 0.2 REQUIRED)
#   sbench_add_suite(NAME my_suite SOURCES my_cases.cpp)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SBENCH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sbench)
set(SBENCH_DATA_DIR ${CMAKE_INSTALL_DATADIR}/sbench)

get_property(libraries GLOBAL PROPERTY SBENCH_LIBRARIES)
set(executables sbench)
if(SBENCH_BUILD_SERVER)
  list(APPEND executables sbench-server sbench-make-checkpoint)
endif()
install(TARGETS ${libraries} ${executables} EXPORT sbenchTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(library ${libraries})
  get_target_property(source_dir ${library} SOURCE_DIR)
  install(DIRECTORY ${source_dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT sbenchTargets NAMESPACE sbench:: DESTINATION ${SBENCH_CMAKE_DIR})

configure_package_config_file(cmake/sbenchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sbenchConfig.cmake
  INSTALL_DESTINATION ${SBENCH_CMAKE_DIR}
  PATH_VARS SBENCH_DATA_DIR)
# 0.x: a minor version may change the API (semantic versioning's rule for 0.y).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sbenchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/sbenchConfig.cmake
  ${PROJECT_BINARY_DIR}/sbenchConfigVersion.cmake
  cmake/SbenchDependencies.cmake
  cmake/SbenchSuite.cmake
  cmake/SbenchSuiteDiscovery.cmake
  DESTINATION ${SBENCH_CMAKE_DIR})
install(DIRECTORY config/targets DESTINATION ${SBENCH_DATA_DIR})
install(FILES docs/results.schema.json DESTINATION ${SBENCH_DATA_DIR})
install(PROGRAMS scripts/validate-results DESTINATION ${CMAKE_INSTALL_BINDIR}
  RENAME sbench-validate-results)

set(CPACK_PACKAGE_NAME semantic-bench)
set(CPACK_PACKAGE_VENDOR "semantic-bench")
set(CPACK_PACKAGE_CONTACT "semantic-bench developers <semantic-bench@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# What the installed package config finds (the -dev packages bring the
# libraries the tools load), and the validator's Python module.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "cmake (>= 3.25), pkg-config, libbenchmark-dev, libboost-dev, libboost-filesystem-dev, libboost-system-dev, nlohmann-json3-dev, libtomlplusplus-dev, libsqlite3-dev, libssl-dev, libxxhash-dev, python3-jsonschema")
include(CPack)
