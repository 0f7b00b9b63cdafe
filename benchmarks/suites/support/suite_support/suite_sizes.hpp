#pragma once

#include <sbench/sizes.hpp>

namespace sbench::suites {

// The problem sizes of the four suites, full and quick, declared where the
// suites live: a project's sbench.toml ([sizes], [quick]) overrides them key
// by key. An inline variable, so every suite executable that includes this
// declares them exactly once.
inline const bool suite_sizes_declared = declare_default_sizes(
    {
        {"tokens_per_agent", 500},                   // tokens each agent generates
        {"agent_counts", {1, 3, 5}},                 // batching
        {"cache_token_counts", {2000, 4000, 8000}},  // cache resume
        {"memory_agent_counts", {1, 5, 10}},         // memory
        {"memory_tokens_per_agent", 1000},           // context each memory agent holds
        {"leak_cycles", 50},                         // create/generate/delete cycles
        {"iterations", 5},                           // measured iterations per case
        {"warmup_requests", 2},                      // unmeasured requests first
    },
    {
        {"tokens_per_agent", 64},
        {"agent_counts", {1, 3, 5}},
        {"cache_token_counts", {256, 512}},
        {"memory_agent_counts", {1, 2}},
        {"memory_tokens_per_agent", 256},
        {"leak_cycles", 10},
        {"iterations", 1},
        {"warmup_requests", 1},
    });

}  // namespace sbench::suites
