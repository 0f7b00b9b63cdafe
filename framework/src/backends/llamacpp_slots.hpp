#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sbench::detail {

// The `-np N` / `--parallel N` (or `=N`) of a llama.cpp server command line.
std::optional<int> slot_count_from_command(const std::vector<std::string>& command);

// Agents on llama.cpp's slots 0..count-1, one agent per slot: a slot shared
// by two agents would mix their contexts, so an agent beyond the count is
// refused. Not thread-safe; the backend guards it.
class SlotMap {
 public:
  explicit SlotMap(int count) : owners_(static_cast<std::size_t>(count)) {}

  int count() const { return static_cast<int>(owners_.size()); }
  // The lowest free slot for `agent`, or an error message.
  std::optional<int> assign(const std::string& agent, std::string& error);
  void release(int slot) { owners_.at(static_cast<std::size_t>(slot)).reset(); }
  void release_all();

 private:
  std::vector<std::optional<std::string>> owners_;
};

}  // namespace sbench::detail
