#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sbench::detail {

// DESIGN rule 8: a cache load is only real if the agent's next generation
// reuses the loaded tokens instead of recomputing them.
class LoadVerification {
 public:
  void expect_reuse(const std::string& agent, std::size_t loaded_tokens);
  void forget(const std::string& agent);
  void forget_all();

  // For the agent's first generation after a load: an error message when it
  // reused clearly fewer tokens than were loaded (or did not say), else "".
  std::string check(const std::string& agent, std::optional<std::size_t> reused_tokens);

 private:
  std::mutex mutex_;
  std::map<std::string, std::size_t> pending_;
};

}  // namespace sbench::detail
