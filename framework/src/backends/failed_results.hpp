#pragma once

#include <string>

#include "sbench/agent_cache.hpp"
#include "sbench/generation.hpp"

namespace sbench::detail {

inline GenerateResult failed_generation(std::string error) {
  GenerateResult result;
  result.error = std::move(error);
  return result;
}

inline CacheOperationResult failed_cache_operation(CacheAction action, std::string error) {
  CacheOperationResult result;
  result.action = action;
  result.error = std::move(error);
  return result;
}

}  // namespace sbench::detail
