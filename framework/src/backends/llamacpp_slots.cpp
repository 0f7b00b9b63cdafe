#include "llamacpp_slots.hpp"

#include <charconv>
#include <string_view>

namespace sbench::detail {
namespace {

std::optional<int> parse_count(std::string_view text) {
  int count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc{} || end != text.data() + text.size() || count < 1)
    return std::nullopt;
  return count;
}

}  // namespace

std::optional<int> slot_count_from_command(const std::vector<std::string>& command) {
  for (std::size_t i = 0; i < command.size(); ++i) {
    for (std::string_view flag : {"-np", "--parallel"}) {
      const std::string_view word = command[i];
      if (word == flag && i + 1 < command.size())
        return parse_count(command[i + 1]);
      if (word.starts_with(flag) && word.size() > flag.size() && word[flag.size()] == '=')
        return parse_count(word.substr(flag.size() + 1));
    }
  }
  return std::nullopt;
}

std::optional<int> SlotMap::assign(const std::string& agent, std::string& error) {
  std::string holders;
  for (std::size_t slot = 0; slot < owners_.size(); ++slot) {
    if (!owners_[slot]) {
      owners_[slot] = agent;
      return static_cast<int>(slot);
    }
    holders += (holders.empty() ? "" : ", ") + *owners_[slot];
  }
  error = "cannot give agent " + agent + " a slot: the llama.cpp server has " +
          std::to_string(owners_.size()) + " (-np) and agents " + holders +
          " hold them; agents never share a slot (start it with a larger -np)";
  return std::nullopt;
}

void SlotMap::release_all() {
  for (auto& owner : owners_)
    owner.reset();
}

}  // namespace sbench::detail
