#pragma once

#include <cstdint>

#include "model/weights.hpp"

namespace sbench::server::model {

// XXH3-64 of the shape and every weight. The name and max_seq_len are left
// out: they do not change what a cached key or value means, so a checkpoint
// written from a preset and loaded back keeps the preset's fingerprint.
std::uint64_t fingerprint(const Weights& weights);

}  // namespace sbench::server::model
