// Cache files as an attacker or a failing disk writes them, loaded by the
// server's reader (store/kv_file.hpp) into a real block pool. The first input
// byte is not part of the file: its low bit chooses whether the fuzzer
// writes the correct checksum into the header (so mutations get past it to
// the checks behind it) or leaves the file as it is; the next bit picks the
// pool's dtype. Properties: no crash, no sanitizer report, only EngineError
// on bad files with the pool as before, and on success a context that fits
// the limits and the model.

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "kv/kv_block_pool.hpp"
#include "sbench/server/engine_error.hpp"
#include "store/file_checksum.hpp"
#include "store/kv_file.hpp"
#include "store/kv_file_format.hpp"
#include "support/fuzz_check.hpp"
#include "support/input_file.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace sbench::server;
using sbench::fuzz::require;

constexpr int kMaxTokens = 200;

ModelConfig shape() {
  ModelConfig config;
  config.dim = 16;
  config.n_layers = 2;
  config.n_heads = 4;
  config.n_kv_heads = 2;  // kv_dim 8
  config.vocab_size = 300;
  return config;
}

constexpr KvFileModel kModel{
    .fingerprint = 0x5eedf00dcafe0001ULL, .n_layers = 2, .kv_dim = 8, .vocab_size = 300};

// The checksum the writer would have put in this header for this payload.
void write_checksum(std::string& file) {
  store::KvFileHeader header;
  std::memcpy(&header, file.data(), sizeof header);
  store::FileChecksum checksum;
  const iovec payload{file.data() + sizeof header, file.size() - sizeof header};
  checksum.add({&payload, 1});
  store::KvFileHeader summed = store::header_to_checksum(header);
  const iovec summed_segment{&summed, sizeof summed};
  checksum.add({&summed_segment, 1});
  header.checksum = checksum.value();
  std::memcpy(file.data(), &header, sizeof header);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sbench::testing::TempDir scratch;
  static KvBlockPool f32_pool(shape(), KvDtype::f32, 4, 64);
  static KvBlockPool f16_pool(shape(), KvDtype::f16, 4, 64);
  if (size == 0)
    return 0;
  const std::uint8_t mode = data[0];
  std::string file(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((mode & 1) == 0 && file.size() >= sizeof(store::KvFileHeader))
    write_checksum(file);
  KvBlockPool& pool = (mode & 2) ? f16_pool : f32_pool;
  const auto path = sbench::fuzz::write_input(scratch.path("agent.kv"), file);
  try {
    LoadedKvContext context = load_kv_file(path, kModel, pool, kMaxTokens);
    require(context.tokens.size() <= static_cast<std::size_t>(kMaxTokens), "over max_tokens");
    require(context.kv_tokens >= 0 &&
                static_cast<std::size_t>(context.kv_tokens) <= context.tokens.size(),
            "more KV than tokens");
    require(context.blocks.size() == pool.blocks_for_tokens(context.kv_tokens),
            "blocks do not match the KV tokens");
    require(pool.used_blocks() == context.blocks.size(), "blocks taken but not returned");
    for (const int token : context.tokens)
      require(token >= 0 && token < kModel.vocab_size, "a token id outside the vocabulary");
    require(context.file_bytes == file.size(), "file size misreported");
    pool.release(context.blocks);
  } catch (const EngineError&) {
    require(pool.used_blocks() == 0, "a failed load kept blocks");
  }
  return 0;
}
