# Warnings are errors for our own targets only; third-party headers come in as
# SYSTEM includes so their warnings never break the build.
function(sbench_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
endfunction()
