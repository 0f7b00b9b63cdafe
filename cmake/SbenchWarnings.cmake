# Warnings for our own targets only; third-party headers come in as SYSTEM
# includes so their warnings never show. Warnings become errors only with
# SBENCH_WERROR (the `ci` preset turns it on): a user's compiler may raise a
# false positive that must not break their build.
option(SBENCH_WERROR "Treat compiler warnings in semantic-bench's own targets as errors" OFF)

# Known compiler false positives, each turned off here for every target
# rather than patched file by file as they turn up:
# - g++ 12 at -O2/-O3 inlines std::string's operator+ and insert and reports
#   overlapping memcpy bounds that cannot happen (GCC bug 105329, fixed in
#   GCC 13): "literal" + std::string(...) in any file sets it off.
set(_sbench_compiler_false_positives
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)

function(sbench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic ${_sbench_compiler_false_positives}
                                           $<$<BOOL:${SBENCH_WERROR}>:-Werror>)
endfunction()
