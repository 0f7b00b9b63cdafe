#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sbench/backend.hpp"
#include "sbench/generation.hpp"
#include "suite_support/counters.hpp"

namespace sbench::suites {

// Ids no earlier case of this process used, so a case never meets another
// case's agent (or its cache file) by accident.
std::vector<std::string> fresh_agent_ids(std::string_view prefix, int count);

// Both throw std::runtime_error naming the agent the server refused.
void create_agents(BackendClient& backend, std::span<const std::string> agents);
void delete_agents(BackendClient& backend, std::span<const std::string> agents);

// Generations that ran at the same time, one per agent.
struct ConcurrentGenerations {
  std::vector<GenerateResult> results;  // in the order of the agents
  std::chrono::nanoseconds wall{0};     // the common scheduled send to the last answer
  std::size_t completion_tokens =
      0;  // the server's usage, summed (docs/MEASURING.md, "Token counts")
};

// Batches of a case's iterations added up: the rate is the server's
// completion tokens over the measured wall-clock time of all batches.
struct BatchTotals {
  int batches = 0;
  std::size_t completion_tokens = 0;
  std::chrono::nanoseconds wall{0};
  TokenLatencies latencies;

  void add(const ConcurrentGenerations& batch);
  double tokens_per_second() const;
  double tokens_per_batch() const;
};

// Sends `shape` for every agent at once, one thread per agent, all scheduled
// for the same moment so time queued in the client counts (docs/MEASURING.md, "Scheduled send").
// Rethrows what a thread threw (a dead server) and throws std::runtime_error
// for a failed generation or one without usage.
ConcurrentGenerations generate_concurrently(BackendClient& backend,
                                            std::span<const std::string> agents,
                                            const GenerateRequest& shape);

// `agents` fresh agents each generate `tokens` tokens, streamed, at the same
// time: created before and deleted after, so only the generation is timed.
ConcurrentGenerations run_agent_batch(BackendClient& backend, int agents, int tokens);

// A wait long enough for the server to prefill `prompt_tokens`, even at a
// slow 20 tokens/s on a busy machine, so a long context is never cut off by
// the HTTP client's default 30 s of silence.
std::chrono::milliseconds prefill_timeout(int prompt_tokens);

// Brings each (existing, empty) agent's context to exactly `tokens` tokens:
// a synthetic prompt of all but a few, the rest generated. The agents are
// filled concurrently so the server batches their prefill.
void fill_agents(BackendClient& backend, std::span<const std::string> agents, int tokens);

// `count` new agents, filled to `tokens` tokens each; returns their ids.
std::vector<std::string> create_filled_agents(BackendClient& backend, std::string_view prefix,
                                              int count, int tokens);

}  // namespace sbench::suites
