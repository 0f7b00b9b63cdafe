#pragma once

#include <filesystem>

#include "model/thread_pool.hpp"
#include "model/weights.hpp"

namespace sbench::server::model {

// Reads a llama2.c checkpoint; see sbench/server/llama2c.hpp for the format's
// rules. Throws std::runtime_error naming the file and the problem.
Weights load_llama2c(const std::filesystem::path& file, ThreadPool& pool);

}  // namespace sbench::server::model
