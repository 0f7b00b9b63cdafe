#include "store/file_checksum.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sbench::server::store {
namespace {

// Bytes that differ at every position, so a batch hashed twice, skipped or
// out of order changes the hash.
std::vector<unsigned char> counting_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  for (std::size_t i = 0; i < count; ++i)
    bytes[i] = static_cast<unsigned char>(i * 131 + i / 251);
  return bytes;
}

// `bytes` cut into segments of growing length.
std::vector<iovec> segments_of(std::vector<unsigned char>& bytes) {
  std::vector<iovec> segments;
  std::size_t offset = 0;
  for (std::size_t length = 1; offset < bytes.size(); length = length * 3 / 2 + 1) {
    const std::size_t taken = std::min(length, bytes.size() - offset);
    segments.push_back({bytes.data() + offset, taken});
    offset += taken;
  }
  return segments;
}

TEST(FileChecksum, ManyBatchesHashAsTheirBytesInOrder) {
  auto bytes = counting_bytes(std::size_t{3} << 20);
  const std::vector<iovec> segments = segments_of(bytes);
  ASSERT_GT(segments.size(), 20u);
  FileChecksum checksum;
  constexpr std::size_t kPerBatch = 3;  // more batches than the checksum lets wait
  for (std::size_t first = 0; first < segments.size(); first += kPerBatch)
    checksum.add(std::span(segments).subspan(first, std::min(kPerBatch, segments.size() - first)));
  EXPECT_EQ(checksum.value(), XXH3_64bits(bytes.data(), bytes.size()));
}

TEST(FileChecksum, ValueCoversOnlyWhatWasAddedAndCanBeAskedAgain) {
  auto bytes = counting_bytes(4096);
  const iovec first{bytes.data(), 1000};
  const iovec rest{bytes.data() + 1000, bytes.size() - 1000};
  FileChecksum checksum;
  EXPECT_EQ(checksum.value(), XXH3_64bits(nullptr, 0));
  checksum.add({&first, 1});
  EXPECT_EQ(checksum.value(), XXH3_64bits(bytes.data(), 1000));
  checksum.add({&rest, 1});
  const std::uint64_t whole = checksum.value();
  EXPECT_EQ(whole, XXH3_64bits(bytes.data(), bytes.size()));
  EXPECT_EQ(checksum.value(), whole);
}

// A failed read throws between add() and value(): the checksum is then
// destroyed with batches queued and must return (the test hangs otherwise),
// after which the caller frees their bytes (AddressSanitizer reports a read
// of them after that).
TEST(FileChecksum, DestroyedWithBatchesQueuedReturns) {
  for (int round = 0; round < 20; ++round) {
    auto bytes = counting_bytes(std::size_t{1} << 20);
    const std::vector<iovec> segments = segments_of(bytes);
    FileChecksum checksum;
    checksum.add(std::span(segments).first(segments.size() / 2));
    checksum.add(std::span(segments).subspan(segments.size() / 2));
  }
}

}  // namespace
}  // namespace sbench::server::store
