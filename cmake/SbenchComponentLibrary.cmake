# sbench_component_library(<component> <folder> [<target_link_libraries args>...])
#
# One static library per concept folder of a component (server, framework,
# reporters): <component>/src/<folder>/*.cpp becomes sbench_<component>_<folder>
# (alias sbench::<component>_<folder>), public headers under
# <component>/include/, private ones under src/. Small libraries keep a change
# from rebuilding what does not depend on it. The target is also appended to
# the global property SBENCH_<COMPONENT>_LIBRARIES, from which the component's
# umbrella target and the test folders (tests/unit/<component>/<folder>) are
# made.
function(sbench_component_library component folder)
  set(target sbench_${component}_${folder})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS src/${folder}/*.cpp)
  add_library(${target} STATIC ${sources})
  add_library(sbench::${component}_${folder} ALIAS ${target})
  target_include_directories(${target} PUBLIC include PRIVATE src)
  target_link_libraries(${target} ${ARGN})
  sbench_target_warnings(${target})
  string(TOUPPER ${component} upper)
  set_property(GLOBAL APPEND PROPERTY SBENCH_${upper}_LIBRARIES ${target})
endfunction()
