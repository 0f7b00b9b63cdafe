#include "kv/kv_block_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace sbench::server {
namespace {

ModelConfig small_shape() {
  ModelConfig config;
  config.dim = 32;
  config.n_layers = 3;
  config.n_heads = 4;
  config.n_kv_heads = 2;
  return config;
}

TEST(KvBlockPool, AllocatesDistinctBlocksUpToTheLimit) {
  KvBlockPool pool(small_shape(), KvDtype::f16, 16, 10);
  std::vector<BlockId> a, b;
  ASSERT_TRUE(pool.allocate(6, a));
  ASSERT_TRUE(pool.allocate(4, b));
  EXPECT_EQ(pool.used_blocks(), 10u);
  EXPECT_EQ(pool.free_blocks(), 0u);
  std::set<BlockId> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 10u);

  std::vector<BlockId> c;
  EXPECT_FALSE(pool.allocate(1, c));
  EXPECT_TRUE(c.empty());
}

TEST(KvBlockPool, FailedAllocationLeavesTableAndPoolUnchanged) {
  KvBlockPool pool(small_shape(), KvDtype::f16, 16, 4);
  std::vector<BlockId> table;
  ASSERT_TRUE(pool.allocate(3, table));
  EXPECT_FALSE(pool.allocate(2, table));
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(pool.used_blocks(), 3u);
}

TEST(KvBlockPool, ReleaseReturnsBlocksForReuse) {
  KvBlockPool pool(small_shape(), KvDtype::f16, 8, 5);
  std::vector<BlockId> table;
  ASSERT_TRUE(pool.allocate(5, table));
  pool.release(table);
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(pool.used_blocks(), 0u);
  EXPECT_EQ(pool.materialized_blocks(), 5u);
  ASSERT_TRUE(pool.allocate(5, table));
  EXPECT_EQ(pool.materialized_blocks(), 5u) << "released blocks must be reused, not re-allocated";
}

class KvBlockPoolLayout : public ::testing::TestWithParam<KvDtype> {};

TEST_P(KvBlockPoolLayout, KeepsLayersAndKeysValuesApartAtTheDtypesSize) {
  const ModelConfig config = small_shape();
  KvBlockPool pool(config, GetParam(), 4, 3);
  EXPECT_EQ(pool.block_bytes(), 4 * config.kv_bytes_per_token(GetParam()));
  std::vector<BlockId> table;
  ASSERT_TRUE(pool.allocate(3, table));
  const std::size_t run = std::size_t{4} * config.kv_dim() * kv_dtype_bytes(GetParam());
  std::set<const std::byte*> starts;
  for (BlockId block : table) {
    for (int layer = 0; layer < config.n_layers; ++layer) {
      EXPECT_EQ(pool.values(block, layer), pool.keys(block, layer) + run);
      std::fill_n(pool.keys(block, layer), run, std::byte(block * 16 + layer));
      std::fill_n(pool.values(block, layer), run, std::byte(~(block * 16 + layer)));
      starts.insert(pool.keys(block, layer));
    }
  }
  EXPECT_EQ(starts.size(), table.size() * config.n_layers);
  for (BlockId block : table)
    for (int layer = 0; layer < config.n_layers; ++layer) {
      EXPECT_EQ(pool.keys(block, layer)[run - 1], std::byte(block * 16 + layer));
      EXPECT_EQ(pool.values(block, layer)[0], std::byte(~(block * 16 + layer)));
    }
}

INSTANTIATE_TEST_SUITE_P(BothDtypes, KvBlockPoolLayout,
                         ::testing::Values(KvDtype::f16, KvDtype::f32),
                         [](const auto& info) { return std::string(kv_dtype_name(info.param)); });

TEST(KvBlockPool, BlocksForTokensRoundsUp) {
  KvBlockPool pool(small_shape(), KvDtype::f16, 16, 8);
  EXPECT_EQ(pool.blocks_for_tokens(0), 0u);
  EXPECT_EQ(pool.blocks_for_tokens(1), 1u);
  EXPECT_EQ(pool.blocks_for_tokens(16), 1u);
  EXPECT_EQ(pool.blocks_for_tokens(17), 2u);
}

}  // namespace
}  // namespace sbench::server
