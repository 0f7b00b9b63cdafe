#include "store/kv_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <utility>

#include "sbench/server/engine_error.hpp"
#include "store/kv_file_format.hpp"
#include "support/temp_dir.hpp"

namespace sbench::server {
namespace {

namespace fs = std::filesystem;
using Kind = EngineError::Kind;

constexpr int kLayers = 3;
constexpr int kKvDim = 8;

ModelConfig shape() {
  ModelConfig config;
  config.dim = 16;
  config.n_layers = kLayers;
  config.n_heads = 4;
  config.n_kv_heads = 2;
  config.vocab_size = 300;
  return config;
}

KvFileModel model_identity(std::uint64_t fingerprint = 0xfeedbeefcafe1234ULL) {
  return KvFileModel{.fingerprint = fingerprint,
                     .n_layers = kLayers,
                     .kv_dim = kKvDim,
                     .vocab_size = shape().vocab_size};
}

// A distinct value for every element of the cache: an exactly representable
// float in an f32 pool, a distinct bit pattern in an f16 one (the file
// carries elements as bytes, whatever they mean).
std::uint32_t kv_pattern(int layer, bool is_value, int token, int d) {
  return static_cast<std::uint32_t>(((layer * 2 + (is_value ? 1 : 0)) * 1000 + token) * 10 + d);
}

std::byte* kv_element(const KvBlockPool& pool, const std::vector<BlockId>& blocks, int layer,
                      bool is_value, int token, int d) {
  const BlockId block = blocks[token / pool.block_size()];
  std::byte* base = is_value ? pool.values(block, layer) : pool.keys(block, layer);
  return base +
         (static_cast<std::size_t>(token % pool.block_size()) * kKvDim + d) * pool.element_bytes();
}

void write_element(std::byte* to, KvDtype dtype, std::uint32_t pattern) {
  if (dtype == KvDtype::f32) {
    const auto value = static_cast<float>(pattern);
    std::memcpy(to, &value, sizeof value);
  } else {
    const auto bits = static_cast<std::uint16_t>(pattern);
    std::memcpy(to, &bits, sizeof bits);
  }
}

bool element_is(const std::byte* at, KvDtype dtype, std::uint32_t pattern) {
  std::byte expected[4];
  write_element(expected, dtype, pattern);
  return std::memcmp(at, expected, kv_dtype_bytes(dtype)) == 0;
}

void fill_kv(const KvBlockPool& pool, const std::vector<BlockId>& blocks, int kv_tokens) {
  for (int layer = 0; layer < kLayers; ++layer)
    for (bool is_value : {false, true})
      for (int t = 0; t < kv_tokens; ++t)
        for (int d = 0; d < kKvDim; ++d)
          write_element(kv_element(pool, blocks, layer, is_value, t, d), pool.dtype(),
                        kv_pattern(layer, is_value, t, d));
}

void expect_kv(const KvBlockPool& pool, const std::vector<BlockId>& blocks, int kv_tokens) {
  for (int layer = 0; layer < kLayers; ++layer)
    for (bool is_value : {false, true})
      for (int t = 0; t < kv_tokens; ++t)
        for (int d = 0; d < kKvDim; ++d)
          ASSERT_TRUE(element_is(kv_element(pool, blocks, layer, is_value, t, d), pool.dtype(),
                                 kv_pattern(layer, is_value, t, d)))
              << "layer " << layer << " value " << is_value << " token " << t << " dim " << d;
}

Kind load_error_kind(const fs::path& path, KvBlockPool& pool, int max_tokens = 1000,
                     const KvFileModel& model = model_identity()) {
  try {
    load_kv_file(path, model, pool, max_tokens);
  } catch (const EngineError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "load of " << path << " succeeded";
  return Kind::kBadRequest;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void overwrite_byte(const fs::path& path, std::size_t offset, char value) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(value);
}

bool has_temp_files(const fs::path& folder) {
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos)
      return true;
  }
  return false;
}

class KvFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sbench-kv-file-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Saves a context of `tokens` ids whose first `kv_tokens` have KV, from a
  // pool of `dtype`.
  std::size_t save_context(const fs::path& path, int tokens, int kv_tokens,
                           KvDtype dtype = KvDtype::f32) {
    KvBlockPool& source = dtype == KvDtype::f32 ? source_ : half_source_;
    ids_.resize(static_cast<std::size_t>(tokens));
    std::iota(ids_.begin(), ids_.end(), 3);
    blocks_.clear();
    EXPECT_TRUE(source.allocate(source.blocks_for_tokens(kv_tokens), blocks_));
    fill_kv(source, blocks_, kv_tokens);
    const std::size_t bytes =
        save_kv_file(path, model_identity(), KvContextView{ids_, kv_tokens, blocks_}, source, true);
    source.release(blocks_);
    return bytes;
  }

  fs::path dir_;
  KvBlockPool source_{shape(), KvDtype::f32, 4, 64};
  KvBlockPool half_source_{shape(), KvDtype::f16, 4, 64};
  std::vector<int> ids_;
  std::vector<BlockId> blocks_;
};

TEST_F(KvFileTest, RoundTripRestoresTokensAndEveryKvFloatAcrossBlockSizes) {
  const fs::path path = dir_ / "agent.kv";
  const std::size_t bytes = save_context(path, 11, 10);
  EXPECT_EQ(bytes, fs::file_size(path));
  EXPECT_EQ(bytes, sizeof(store::KvFileHeader) + 11 * 4 + 2 * kLayers * 10 * kKvDim * 4);

  // Another block size: the file must not depend on it.
  KvBlockPool target(shape(), KvDtype::f32, 8, 16);
  LoadedKvContext loaded = load_kv_file(path, model_identity(), target, 1000);
  EXPECT_EQ(loaded.tokens, ids_);
  EXPECT_EQ(loaded.kv_tokens, 10);
  EXPECT_EQ(loaded.file_bytes, bytes);
  ASSERT_EQ(loaded.blocks.size(), 2u);
  EXPECT_EQ(target.used_blocks(), 2u);
  expect_kv(target, loaded.blocks, 10);
  target.release(loaded.blocks);
}

TEST_F(KvFileTest, AnF16CacheRoundTripsAtHalfTheKvBytesAndSaysItsDtype) {
  const fs::path path = dir_ / "agent.kv";
  const std::size_t bytes = save_context(path, 11, 10, KvDtype::f16);
  EXPECT_EQ(bytes, sizeof(store::KvFileHeader) + 11 * 4 + 2 * kLayers * 10 * kKvDim * 2);
  store::KvFileHeader header;
  std::memcpy(&header, file_bytes(path).data(), sizeof header);
  EXPECT_EQ(header.dtype, store::kKvDtypeF16);

  KvBlockPool target(shape(), KvDtype::f16, 8, 16);
  LoadedKvContext loaded = load_kv_file(path, model_identity(), target, 1000);
  EXPECT_EQ(loaded.tokens, ids_);
  expect_kv(target, loaded.blocks, 10);
  target.release(loaded.blocks);
}

TEST_F(KvFileTest, AFileOfTheOtherDtypeIsRefusedNamingBoth) {
  for (const auto& [written, server] :
       {std::pair(KvDtype::f32, KvDtype::f16), std::pair(KvDtype::f16, KvDtype::f32)}) {
    const fs::path path = dir_ / "agent.kv";
    save_context(path, 5, 4, written);
    KvBlockPool target(shape(), server, 4, 16);
    try {
      load_kv_file(path, model_identity(), target, 1000);
      FAIL() << "an " << kv_dtype_name(written) << " file loaded into an " << kv_dtype_name(server)
             << " pool";
    } catch (const EngineError& error) {
      EXPECT_EQ(error.kind(), Kind::kCorruptCache);
      const std::string message = error.what();
      EXPECT_NE(message.find(std::string("holds an ") + kv_dtype_name(written)), std::string::npos)
          << message;
      EXPECT_NE(message.find(std::string("keeps ") + kv_dtype_name(server)), std::string::npos)
          << message;
    }
    EXPECT_EQ(target.used_blocks(), 0u);
  }
}

TEST_F(KvFileTest, SaveReplacesAnExistingFile) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 5, 4);
  const std::size_t bytes = save_context(path, 20, 19);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  LoadedKvContext loaded = load_kv_file(path, model_identity(), target, 1000);
  EXPECT_EQ(loaded.tokens.size(), 20u);
  EXPECT_EQ(loaded.file_bytes, bytes);
  EXPECT_FALSE(has_temp_files(dir_));
  target.release(loaded.blocks);
}

TEST_F(KvFileTest, EmptyContextRoundTrips) {
  const fs::path path = dir_ / "empty.kv";
  save_context(path, 0, 0);
  KvBlockPool target(shape(), KvDtype::f32, 4, 1);
  LoadedKvContext loaded = load_kv_file(path, model_identity(), target, 1000);
  EXPECT_TRUE(loaded.tokens.empty());
  EXPECT_TRUE(loaded.blocks.empty());
}

TEST_F(KvFileTest, CorruptPayloadByteIsDetectedByTheChecksum) {
  const fs::path path = dir_ / "agent.kv";
  const std::size_t bytes = save_context(path, 30, 29);
  overwrite_byte(path, bytes - 5, 0x5a);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  EXPECT_EQ(load_error_kind(path, target), Kind::kCorruptCache);
  EXPECT_EQ(target.used_blocks(), 0u);
}

// Every header byte counts: the reserved ones, a token count and the
// length field are each a damaged file (422), never a capacity limit (429),
// and the message says what disagrees.
TEST_F(KvFileTest, ADamagedHeaderByteAnywhereIsCorruptWithAnExactMessage) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 30, 29);
  const std::string original = file_bytes(path);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  for (std::size_t offset = 0; offset < sizeof(store::KvFileHeader); ++offset) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << original;
    overwrite_byte(path, offset, static_cast<char>(original[offset] ^ 0x40));
    EXPECT_EQ(load_error_kind(path, target), Kind::kCorruptCache) << "header byte " << offset;
  }
  EXPECT_EQ(target.used_blocks(), 0u);

  const auto message_after = [&](std::size_t offset, char value) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << original;
    overwrite_byte(path, offset, value);
    try {
      load_kv_file(path, model_identity(), target, 1'000'000);
    } catch (const EngineError& error) {
      return std::string(error.what());
    }
    return std::string("loaded");
  };
  // tokens 30 -> 0x7f: more than any limit, and more than the file holds.
  const std::string tokens = message_after(offsetof(store::KvFileHeader, tokens), 0x7f);
  EXPECT_NE(tokens.find("payload length"), std::string::npos) << tokens;
  const std::string length = message_after(offsetof(store::KvFileHeader, payload_bytes), 0x01);
  EXPECT_NE(length.find("the header's payload length is"), std::string::npos) << length;
  const std::string reserved = message_after(offsetof(store::KvFileHeader, reserved), 0x01);
  EXPECT_NE(reserved.find("reserved"), std::string::npos) << reserved;
}

// A directory, a FIFO or a symlink under the file's name is refused at once
// (a FIFO used to block the loading thread for ever).
TEST_F(KvFileTest, OnlyARegularFileLoads) {
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  fs::create_directory(dir_ / "directory.kv");
  EXPECT_EQ(load_error_kind(dir_ / "directory.kv", target), Kind::kCorruptCache);
  ASSERT_EQ(::mkfifo((dir_ / "fifo.kv").c_str(), 0600), 0);
  EXPECT_EQ(load_error_kind(dir_ / "fifo.kv", target), Kind::kCorruptCache);
  save_context(dir_ / "real.kv", 5, 4);
  fs::create_symlink(dir_ / "real.kv", dir_ / "link.kv");
  EXPECT_EQ(load_error_kind(dir_ / "link.kv", target), Kind::kCorruptCache);
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, TruncatedFileIsCorrupt) {
  const fs::path path = dir_ / "agent.kv";
  const std::size_t bytes = save_context(path, 30, 29);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  fs::resize_file(path, bytes - 1);
  EXPECT_EQ(load_error_kind(path, target), Kind::kCorruptCache);
  fs::resize_file(path, 10);  // not even a header
  EXPECT_EQ(load_error_kind(path, target), Kind::kCorruptCache);
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, WrongMagicIsCorrupt) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 5, 4);
  overwrite_byte(path, 0, 'X');
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  EXPECT_EQ(load_error_kind(path, target), Kind::kCorruptCache);
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, AnotherModelsFileIsRejectedNamingBothFingerprints) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 5, 4);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  try {
    load_kv_file(path, model_identity(0x1111), target, 1000);
    FAIL() << "a file of another model loaded";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::kCorruptCache);
    const std::string message = error.what();
    EXPECT_NE(message.find("fingerprint mismatch"), std::string::npos) << message;
    EXPECT_NE(message.find("0x0000000000001111"), std::string::npos) << message;
    EXPECT_NE(message.find("0xfeedbeefcafe1234"), std::string::npos) << message;
  }
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, TokenIdsOutsideTheVocabularyAreCorrupt) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 30, 29);  // ids 3..32
  KvFileModel narrow = model_identity();
  narrow.vocab_size = 10;
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  EXPECT_EQ(load_error_kind(path, target, 1000, narrow), Kind::kCorruptCache);
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, MissingFileIsNotFound) {
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  EXPECT_EQ(load_error_kind(dir_ / "nobody.kv", target), Kind::kNotFound);
}

TEST_F(KvFileTest, NotEnoughFreeBlocksIsCapacityAndTakesNone) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 30, 29);  // 8 blocks of 4
  KvBlockPool target(shape(), KvDtype::f32, 4, 10);
  std::vector<BlockId> held;
  ASSERT_TRUE(target.allocate(5, held));
  EXPECT_EQ(load_error_kind(path, target), Kind::kCapacity);
  EXPECT_EQ(target.used_blocks(), 5u);
  target.release(held);
}

TEST_F(KvFileTest, ContextLongerThanTheLimitIsCapacity) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 30, 29);
  KvBlockPool target(shape(), KvDtype::f32, 4, 16);
  EXPECT_EQ(load_error_kind(path, target, 29), Kind::kCapacity);
  EXPECT_EQ(target.used_blocks(), 0u);
}

TEST_F(KvFileTest, SaveUnderARegularFileIsAnIoError) {
  std::ofstream(dir_ / "plain") << "x";
  try {
    save_context(dir_ / "plain" / "agent.kv", 5, 4);
    FAIL() << "saved under a regular file";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::kIo);
    EXPECT_NE(std::string(error.what()).find("plain"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(has_temp_files(dir_));
}

// A file size limit makes the kernel fail the write part way (EFBIG), like a
// disk filling up during the save.
TEST_F(KvFileTest, FailedWriteKeepsTheOldFileAndLeavesNoTempFile) {
  const fs::path path = dir_ / "agent.kv";
  save_context(path, 5, 4);
  const std::string old_contents = file_bytes(path);

  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &original), 0);
  rlimit capped = original;
  capped.rlim_cur = 4096;
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &capped), 0);
  Kind kind = Kind::kBadRequest;
  std::string message;
  try {
    save_context(path, 200, 199);
  } catch (const EngineError& error) {
    kind = error.kind();
    message = error.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &original);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_EQ(kind, Kind::kIo);
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_EQ(file_bytes(path), old_contents);
  EXPECT_FALSE(has_temp_files(dir_));
}

// What a killed save leaves is removed; what a live save is writing (its
// flock held), a real cache file, other names, a FIFO and a symlink are not.
TEST(OrphanTempFiles, OnlyUnlockedRegularTempFilesAreRemoved) {
  const sbench::testing::TempDir dir;
  const fs::path folder = dir.path();
  std::ofstream(folder / "a.kv.tmp.abc123") << "half a save";
  std::ofstream(folder / "a.kv") << "a cache file";
  std::ofstream(folder / "a.kv.tmp.toolong7") << "not mkostemp's name";
  std::ofstream(folder / "elsewhere.txt") << "a symlink's target";
  ASSERT_EQ(::mkfifo((folder / "c.kv.tmp.fifo01").c_str(), 0600), 0);
  fs::create_symlink(folder / "elsewhere.txt", folder / "d.kv.tmp.link01");
  std::ofstream(folder / "b.kv.tmp.def456") << "being written";
  const int writer = ::open((folder / "b.kv.tmp.def456").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  ASSERT_EQ(::flock(writer, LOCK_EX), 0);

  EXPECT_EQ(remove_orphan_temp_files(folder), 1u);
  EXPECT_FALSE(fs::exists(folder / "a.kv.tmp.abc123"));
  for (const char* kept : {"a.kv", "a.kv.tmp.toolong7", "elsewhere.txt", "c.kv.tmp.fifo01",
                           "d.kv.tmp.link01", "b.kv.tmp.def456"})
    EXPECT_TRUE(fs::exists(fs::symlink_status(folder / kept))) << kept;

  // Once its writer is gone, only the agent named is cleaned.
  ::close(writer);
  std::ofstream(folder / "e.kv.tmp.ghi789") << "another agent's";
  EXPECT_EQ(remove_orphan_temp_files(folder, "b"), 1u);
  EXPECT_FALSE(fs::exists(folder / "b.kv.tmp.def456"));
  EXPECT_TRUE(fs::exists(folder / "e.kv.tmp.ghi789"));
  EXPECT_EQ(remove_orphan_temp_files(folder / "missing"), 0u);
}

}  // namespace
}  // namespace sbench::server
