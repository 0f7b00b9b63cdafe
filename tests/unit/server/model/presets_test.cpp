#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "model/model.hpp"
#include "model_test_support.hpp"
#include "sbench/server/llama2c.hpp"
#include "sbench/server/model_config.hpp"

namespace sbench::server::testing {
namespace {

TEST(Presets, ParameterCountEqualsTheFloatsOfAWrittenCheckpoint) {
  // Counted independently: a llama2.c file holds every parameter once, plus
  // its 28-byte header and RoPE tables of 2 x seq_len x head_dim / 2 floats.
  TempDir dir;
  for (bool shared : {false, true}) {
    ModelConfig config = preset_config("tiny");
    config.shared_classifier = shared;
    write_llama2c(dir.path("tiny.bin"), config, 1);
    const std::size_t rope_floats = std::size_t{2} * config.max_seq_len * config.head_dim() / 2;
    const std::size_t floats = (std::filesystem::file_size(dir.path("tiny.bin")) - 28) / 4;
    EXPECT_EQ(config.parameter_count(), floats - rope_floats) << "shared: " << shared;
  }
}

TEST(Presets, ShapesAreTheDocumentedOnes) {
  const ModelConfig tiny = preset_config("tiny");
  EXPECT_EQ(tiny.name, "tiny");
  EXPECT_GT(tiny.parameter_count(), 2'500'000u);
  EXPECT_LT(tiny.parameter_count(), 3'500'000u);
  const ModelConfig small = preset_config("small");
  EXPECT_GT(small.parameter_count(), 95'000'000u);
  EXPECT_LT(small.parameter_count(), 110'000'000u);
  EXPECT_EQ(small.head_dim(), 64);
  EXPECT_EQ(small.kv_dim(), 256);  // grouped-query: 4 kv heads for 12 query heads
  EXPECT_GE(small.max_seq_len, 16384);
}

TEST(Presets, UnknownNameListsTheKnownOnes) {
  try {
    preset_config("huge");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(),
                ::testing::AllOf(::testing::HasSubstr("huge"), ::testing::HasSubstr("tiny"),
                                 ::testing::HasSubstr("small")));
  }
  EXPECT_THROW(Model::from_preset("huge", 0, 1), std::invalid_argument);
}

TEST(Fingerprint, DependsOnTheSeedAndOnNothingElse) {
  Model a = Model::from_preset("tiny", 1, 1);
  Model b = Model::from_preset("tiny", 1, 2);
  Model c = Model::from_preset("tiny", 2, 1);
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
}

TEST(Model, ReportsItsSizeAndThreads) {
  Model model = Model::from_preset("tiny", 1, 3);
  EXPECT_EQ(model.threads(), 3);
  EXPECT_GE(model.weight_bytes(), model.config().parameter_count() * sizeof(float));
  Model automatic = Model::from_preset("tiny", 1, 0);
  EXPECT_GE(automatic.threads(), 1);
  Model moved = std::move(model);
  EXPECT_EQ(moved.config().name, "tiny");
}

}  // namespace
}  // namespace sbench::server::testing
