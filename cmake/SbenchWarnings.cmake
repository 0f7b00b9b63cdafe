# Warnings for our own targets only; third-party headers come in as SYSTEM
# includes so their warnings never show. Warnings become errors only with
# SBENCH_WERROR (the `ci` preset turns it on): a user's compiler may raise a
# false positive (g++ 12 at -O3 does) that must not break their build.
option(SBENCH_WERROR "Treat compiler warnings in semantic-bench's own targets as errors" OFF)

function(sbench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
                                           $<$<BOOL:${SBENCH_WERROR}>:-Werror>)
endfunction()
