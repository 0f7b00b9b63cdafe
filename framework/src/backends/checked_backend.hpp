#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "sbench/backend.hpp"

namespace sbench::detail {

// What make_backend hands out: the backend, with every answered generation's
// cross-checks recorded in the measurement log (docs/MEASURING.md,
// "Cross-checks"). It also checks reuse by time: the first generation after
// a load must reach its first token well before a cold prefill of the same
// context would, at the fastest cold prefill rate this backend has seen.
class CheckedBackend : public BackendClient {
 public:
  explicit CheckedBackend(std::unique_ptr<BackendClient> inner) : inner_(std::move(inner)) {}

  std::string_view name() const override { return inner_->name(); }
  const Capabilities& capabilities() const override { return inner_->capabilities(); }
  Status create_agent(const std::string& agent) override { return inner_->create_agent(agent); }
  Status delete_agent(const std::string& agent) override;
  GenerateResult generate(const GenerateRequest& request) override;
  CacheOperationResult save_agent(const std::string& agent) override {
    return inner_->save_agent(agent);
  }
  CacheOperationResult unload_agent(const std::string& agent) override {
    return inner_->unload_agent(agent);
  }
  CacheOperationResult load_agent(const std::string& agent) override;
  CacheOperationResult load_agent_from(const std::string& agent,
                                       const std::string& source) override;
  ServerMemoryStats memory_stats() override { return inner_->memory_stats(); }
  Status reset() override;

 private:
  // Notes a successful load, whose next generation is timed as a resume.
  CacheOperationResult remember_load(const std::string& agent, CacheOperationResult result);
  // Learns the cold prefill rate from `result` and times a pending resume.
  void check_timing(const GenerateRequest& request, const GenerateResult& result);

  std::unique_ptr<BackendClient> inner_;
  std::mutex mutex_;
  double fastest_cold_tokens_per_ms_ = 0;
  std::map<std::string, std::size_t>
      loaded_tokens_;  // loads whose next generation is not timed yet
};

}  // namespace sbench::detail
