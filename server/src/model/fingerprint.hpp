#pragma once

#include <cstdint>

#include "model/weights.hpp"

namespace sbench::server::model {

// XXH3-64 of the shape and every weight. The name and max_seq_len are left
// out: they do not change what a cached key or value means, so a checkpoint
// written from a preset and loaded back keeps the preset's fingerprint.
std::uint64_t fingerprint(const Weights& weights);

// What a cached key or value means also depends on the element type it is
// kept in, so a cache file carries this: the model's fingerprint for f32 (as
// files written before f16 existed), a hash of it and the dtype otherwise.
std::uint64_t cache_fingerprint(std::uint64_t model_fingerprint, KvDtype dtype);

}  // namespace sbench::server::model
