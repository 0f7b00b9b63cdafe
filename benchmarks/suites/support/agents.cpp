#include "suite_support/agents.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>

#include "suite_support/case_session.hpp"

namespace sbench::suites {
namespace {

// Tokens generated, not prompted, when filling a context: enough that the
// context ends the way a conversation turn does.
constexpr int kFillGeneratedTokens = 4;

// A short prompt for batch generations: the batching cases measure decode.
constexpr int kBatchPromptTokens = 16;

constexpr std::chrono::milliseconds kBatchScheduleLead{20};

}  // namespace

std::vector<std::string> fresh_agent_ids(std::string_view prefix, int count) {
  static std::atomic<long> next{0};
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i)
    ids.push_back(std::string(prefix) + "-" + std::to_string(next++));
  return ids;
}

void create_agents(BackendClient& backend, std::span<const std::string> agents) {
  for (const std::string& agent : agents)
    require_ok(backend.create_agent(agent), "creating agent " + agent);
}

void delete_agents(BackendClient& backend, std::span<const std::string> agents) {
  for (const std::string& agent : agents)
    require_ok(backend.delete_agent(agent), "deleting agent " + agent);
}

void BatchTotals::add(const ConcurrentGenerations& batch) {
  ++batches;
  completion_tokens += batch.completion_tokens;
  wall += batch.wall;
  latencies.add(batch.results);
}

double BatchTotals::tokens_per_second() const {
  const double seconds = to_seconds(wall);
  return seconds > 0 ? static_cast<double>(completion_tokens) / seconds : 0;
}

double BatchTotals::tokens_per_batch() const {
  return batches > 0 ? static_cast<double>(completion_tokens) / batches : 0;
}

ConcurrentGenerations generate_concurrently(BackendClient& backend,
                                            std::span<const std::string> agents,
                                            const GenerateRequest& shape) {
  ConcurrentGenerations batch;
  batch.results.resize(agents.size());
  std::vector<std::exception_ptr> failures(agents.size());
  // Scheduled a little ahead: starting the threads takes milliseconds on a
  // busy machine, and a batch scheduled for "now" would be sent late by the
  // client's own start-up (docs/MEASURING.md, "Client lag").
  const auto start = std::chrono::steady_clock::now() + kBatchScheduleLead;
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < agents.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          GenerateRequest request = shape;
          request.agent = agents[i];
          request.scheduled = start;
          batch.results[i] = backend.generate(request);
        } catch (...) {
          failures[i] = std::current_exception();
        }
      });
    }
  }
  batch.wall = std::chrono::steady_clock::now() - start;
  for (const std::exception_ptr& failure : failures) {
    if (failure)
      std::rethrow_exception(failure);
  }
  for (std::size_t i = 0; i < agents.size(); ++i)
    batch.completion_tokens += require_usage(batch.results[i], agents[i]).completion_tokens;
  return batch;
}

ConcurrentGenerations run_agent_batch(BackendClient& backend, int agents, int tokens) {
  const std::vector<std::string> ids = fresh_agent_ids("batch", agents);
  create_agents(backend, ids);
  GenerateRequest shape;
  shape.prompt = PromptTokens{kBatchPromptTokens};
  shape.max_tokens = tokens;
  shape.stream = true;
  ConcurrentGenerations batch = generate_concurrently(backend, ids, shape);
  delete_agents(backend, ids);
  return batch;
}

std::chrono::milliseconds prefill_timeout(int prompt_tokens) {
  return std::chrono::seconds(60) + std::chrono::milliseconds(50) * prompt_tokens;
}

void fill_agents(BackendClient& backend, std::span<const std::string> agents, int tokens) {
  const int generated = std::clamp(tokens / 2, 1, kFillGeneratedTokens);
  GenerateRequest shape;
  shape.prompt = PromptTokens{tokens - generated};
  shape.max_tokens = generated;
  shape.timeout = prefill_timeout(tokens);
  // Streamed for its first token's time: a cold prefill, which the backend
  // compares later resumes of the same context with (docs/MEASURING.md,
  // "Cross-checks").
  shape.stream = true;
  const ConcurrentGenerations fill = generate_concurrently(backend, agents, shape);
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const TokenUsage& usage = *fill.results[i].usage;
    const std::size_t held = usage.prompt_tokens + usage.completion_tokens;
    if (held != static_cast<std::size_t>(tokens)) {
      throw std::runtime_error(
          "filling agent " + agents[i] + " to " + std::to_string(tokens) +
          " tokens: the server reports " + std::to_string(held) +
          " (APIs that take only text get exact prompt lengths from the server's POST /tokenize; "
          "a server without one gets an estimate)");
    }
  }
}

std::vector<std::string> create_filled_agents(BackendClient& backend, std::string_view prefix,
                                              int count, int tokens) {
  std::vector<std::string> ids = fresh_agent_ids(prefix, count);
  create_agents(backend, ids);
  fill_agents(backend, ids, tokens);
  return ids;
}

}  // namespace sbench::suites
