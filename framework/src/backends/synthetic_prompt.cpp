#include "synthetic_prompt.hpp"

#include <array>
#include <string_view>

namespace sbench::detail {
namespace {

// Printable ASCII in byte-level vocabularies, byte tokens or punctuation in
// BPE ones: never a special token.
constexpr int kFirstId = 40;
constexpr int kIdRange = 80;

constexpr std::array<std::string_view, 8> kWords = {" the",   " time",  " day",   " world",
                                                    " house", " water", " light", " story"};

}  // namespace

std::vector<int> synthetic_token_ids(int count, std::uint64_t seed) {
  std::vector<int> ids;
  ids.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    ids.push_back(kFirstId +
                  static_cast<int>((seed * 31 + static_cast<std::uint64_t>(i) * 7) % kIdRange));
  return ids;
}

std::string synthetic_words(int count, std::uint64_t seed) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += kWords[(seed + static_cast<std::uint64_t>(i)) % kWords.size()];
  return text;
}

}  // namespace sbench::detail
