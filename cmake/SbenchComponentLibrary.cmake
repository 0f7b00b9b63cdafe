# sbench_component_library(<component> [<target_link_libraries args>...])
#
# One static library per top-level folder (server, framework, reporters):
# every <component>/src/**/*.cpp becomes sbench_<component>, exported and
# aliased as sbench::<component>. Public headers live under
# <component>/include/sbench/ and are installed; everything under src/ is
# private: other components and users see only include/.
function(sbench_component_library component)
  set(target sbench_${component})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS src/*.cpp src/*.hpp)
  add_library(${target} STATIC ${sources})
  add_library(sbench::${component} ALIAS ${target})
  # PIC: a user may link these static libraries into a shared library of theirs.
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${component} POSITION_INDEPENDENT_CODE ON)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE src)
  target_link_libraries(${target} ${ARGN})
  sbench_target_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY SBENCH_LIBRARIES ${target})
endfunction()
