#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>

#include "sbench/server/model_config.hpp"

// On-disk layout of a cache file, version 2 (little-endian, written as is):
//   KvFileHeader
//   payload: token ids as int32 [tokens]
//            then per layer: keys [kv_tokens][kv_dim], values [kv_tokens][kv_dim]
//            as f32 or IEEE binary16, as `dtype` says
// The checksum covers the payload and then the header (its checksum field
// zero), so no byte of the file can change unnoticed; the header's fields
// are also checked one by one against the model and the file size, so a
// damaged file is refused with the exact disagreement.

namespace sbench::server::store {

static_assert(std::endian::native == std::endian::little,
              "cache files are little-endian and written without conversion");

inline constexpr std::array<char, 4> kKvFileMagic = {'S', 'B', 'K', 'V'};
// 2: the checksum covers the header too.
inline constexpr std::uint32_t kKvFileVersion = 2;
inline constexpr std::uint32_t kKvDtypeF32 = 0;
inline constexpr std::uint32_t kKvDtypeF16 = 1;

inline std::uint32_t kv_file_dtype(KvDtype dtype) {
  return dtype == KvDtype::f16 ? kKvDtypeF16 : kKvDtypeF32;
}

struct KvFileHeader {
  std::array<char, 4> magic = kKvFileMagic;
  std::uint32_t version = kKvFileVersion;
  std::uint64_t fingerprint = 0;
  std::uint32_t n_layers = 0;
  std::uint32_t kv_dim = 0;
  std::uint32_t tokens = 0;
  std::uint32_t kv_tokens = 0;
  std::uint32_t dtype = kKvDtypeF32;
  std::uint32_t reserved = 0;  // keeps the 64-bit fields aligned without implicit padding
  std::uint64_t payload_bytes = 0;
  // XXH3_64 of the payload and then of this header with this field zero:
  // every byte of the file is covered, so no bit can change unnoticed.
  std::uint64_t checksum = 0;
};

// The checksum's last input: the header with its checksum field zero.
inline KvFileHeader header_to_checksum(KvFileHeader header) {
  header.checksum = 0;
  return header;
}

static_assert(std::is_trivially_copyable_v<KvFileHeader>);
static_assert(sizeof(KvFileHeader) == 56, "the header layout is part of the file format");

inline std::uint64_t kv_payload_bytes(std::uint64_t tokens, std::uint64_t kv_tokens,
                                      std::uint64_t n_layers, std::uint64_t kv_dim, KvDtype dtype) {
  return tokens * sizeof(std::int32_t) + 2 * n_layers * kv_tokens * kv_dim * kv_dtype_bytes(dtype);
}

}  // namespace sbench::server::store
