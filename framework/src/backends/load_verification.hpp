#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "sbench/generation.hpp"

namespace sbench::detail {

// docs/MEASURING.md, "Verified reuse": a cache load is only real if the agent's next generation
// reuses the loaded tokens instead of recomputing them.
class LoadVerification {
 public:
  void expect_reuse(const std::string& agent, std::size_t loaded_tokens);
  void forget(const std::string& agent);
  void forget_all();

  // For the agent's first generation after a load: an error message when it
  // reused clearly fewer tokens than were loaded (or did not say), else "".
  std::string check(const std::string& agent, std::optional<std::size_t> reused_tokens);
  // The same for a successful generation of `agent`: its usage's cached
  // tokens are the reuse; a failed check becomes the result's error.
  void check(const std::string& agent, GenerateResult& result);

 private:
  std::mutex mutex_;
  std::map<std::string, std::size_t> pending_;
};

}  // namespace sbench::detail
