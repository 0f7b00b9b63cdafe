#include "suite_support/case_session.hpp"

#include <stdexcept>

#include "sbench/case.hpp"
#include "suite_support/agents.hpp"

namespace sbench::suites {
namespace {

std::string_view action_name(CacheAction action) {
  switch (action) {
    case CacheAction::save:
      return "saving";
    case CacheAction::unload:
      return "unloading";
    case CacheAction::load:
      return "loading";
  }
  return "caching";
}

}  // namespace

CaseSession start_case(Fixtures& fixtures) {
  auto& server = fixtures.get<ServerFixture>();
  BackendClient& backend = server.backend();
  require_ok(backend.reset(), "resetting the server before the case");
  warm_up(backend, fixtures.config().size<int>("warmup_requests"));
  return {fixtures.config(), server, backend};
}

void warm_up(BackendClient& backend, int requests, int tokens) {
  if (requests <= 0)
    return;
  const std::vector<std::string> agent = fresh_agent_ids("warmup", 1);
  create_agents(backend, agent);
  GenerateRequest request;
  request.agent = agent.front();
  request.prompt = PromptTokens{16};
  request.max_tokens = tokens;
  request.stream = true;
  for (int i = 0; i < requests; ++i)
    require_usage(backend.generate(request), request.agent);
  delete_agents(backend, agent);
}

void require_capability(const BackendClient& backend, Capability capability) {
  if (auto reason = missing_capability(backend, capability))
    throw Skip(*reason);
}

void require_ok(const Status& status, const std::string& what) {
  if (!status.ok())
    throw std::runtime_error(what + ": " + status.error);
}

const TokenUsage& require_usage(const GenerateResult& result, const std::string& agent) {
  require_ok(result.error, "generating for agent " + agent);
  if (!result.usage)
    throw std::runtime_error("generating for agent " + agent +
                             ": the server reported no token usage");
  return *result.usage;
}

void require_ok(const CacheOperationResult& result, const std::string& agent) {
  require_ok(result.error,
             std::string(action_name(result.action)) + " the cache of agent " + agent);
}

}  // namespace sbench::suites
