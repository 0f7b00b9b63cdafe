#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sbench::fuzz {

// A property every input must keep: a broken one is a crash libFuzzer
// records, with the input that caused it.
inline void require(bool holds, std::string_view what) {
  if (!holds) {
    std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()),
                 what.data());
    std::abort();
  }
}

}  // namespace sbench::fuzz
