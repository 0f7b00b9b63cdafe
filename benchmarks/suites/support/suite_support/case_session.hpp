#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "sbench/agent_cache.hpp"
#include "sbench/backend.hpp"
#include "sbench/backend_capability.hpp"
#include "sbench/config.hpp"
#include "sbench/fixtures.hpp"
#include "sbench/generation.hpp"
#include "sbench/server_fixture.hpp"

namespace sbench::suites {

// What a server-facing case works with.
struct CaseSession {
  const Config& config;
  ServerFixture& server;
  BackendClient& backend;
};

// The start of every server-facing case: the shared server (started on first
// use), reset so the previous case's contexts never slow this one, then
// `warmup_requests` (a size) unmeasured requests (docs/MEASURING.md, "Warm-up and steady state").
CaseSession start_case(Fixtures& fixtures);

// A generation of `tokens` tokens on a throwaway agent, not measured.
void warm_up(BackendClient& backend, int requests, int tokens = 8);

// Throws sbench::Skip with the reason when the backend lacks `capability`.
void require_capability(const BackendClient& backend, Capability capability);

// Each throws std::runtime_error "<what>: <error>" for a failed operation,
// which the framework reports as the case's error.
void require_ok(const Status& status, const std::string& what);
const TokenUsage& require_usage(const GenerateResult& result, const std::string& agent);
void require_ok(const CacheOperationResult& result, const std::string& agent);

}  // namespace sbench::suites
