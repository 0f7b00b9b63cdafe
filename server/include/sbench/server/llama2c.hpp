#pragma once

#include <cstdint>
#include <filesystem>

#include "sbench/server/model_config.hpp"

namespace sbench::server {

// Writes a llama2.c checkpoint (.bin) of `config` holding the deterministic
// weights Model::from_preset generates for the same shape and `seed`, so a
// file round trip can be checked against the preset, and benchmarks can make
// a checkpoint of any shape (e.g. stories110M's) without a download. The
// header's seq_len is config.max_seq_len. Throws std::invalid_argument for a
// shape llama2.c cannot express and std::runtime_error on I/O errors.
//
// Reading back (Model::from_llama2c) sets max_seq_len to at least 16384:
// RoPE is computed, not read from the file's table, so any position works.
void write_llama2c(const std::filesystem::path& file, const ModelConfig& config,
                   std::uint64_t seed);

}  // namespace sbench::server
