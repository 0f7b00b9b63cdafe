#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sbench::detail {

// Deterministic prompts of a given length, for exact prompt sizes: token ids
// valid in any vocabulary (byte-level or BPE), or, for APIs that take only
// text, that many common words (about one token each).
std::vector<int> synthetic_token_ids(int count, std::uint64_t seed);
std::string synthetic_words(int count, std::uint64_t seed);

}  // namespace sbench::detail
