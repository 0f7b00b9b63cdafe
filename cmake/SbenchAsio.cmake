# sbench_link_asio(<target>): Boost.Asio and Beast with C++20 coroutines, as a
# private dependency. Boost 1.74 turns co_await on for GCC but not for Clang
# with libstdc++, although Clang 14 implements C++20 coroutines: tell it so.
# g++ 12 at -O1 (the asan preset) takes Asio's coroutine frame allocator for
# a mismatched new/delete pair; the pair is Asio's own and matches.
function(sbench_link_asio target)
  target_link_libraries(${target} PRIVATE Boost::headers Boost::system)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_definitions(${target} PRIVATE BOOST_ASIO_HAS_CO_AWAIT BOOST_ASIO_HAS_STD_COROUTINE)
  endif()
endfunction()
