#include "sbench/server/llama2c.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>

#include "model/model.hpp"
#include "model_test_support.hpp"
#include "reference_llama.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr std::uint64_t kSeed = 17;

std::vector<float> decode_logits(Model& model, int steps) {
  KvBlockPool pool(model.config(), KvDtype::f32, kTestBlockSize, kTestPoolBlocks);
  TestSequence sequence;
  std::vector<float> all;
  std::vector<float> logits = forward_one(model, pool, sequence, synthetic_prompt(20, 1));
  for (int step = 0; step < steps; ++step) {
    all.insert(all.end(), logits.begin(), logits.end());
    const int token = argmax(logits);
    logits = forward_one(model, pool, sequence, std::span(&token, 1));
  }
  return all;
}

// The message of the std::runtime_error that loading `file` throws.
std::string load_error(const std::filesystem::path& file) {
  try {
    Model::from_llama2c(file, 1);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "loading " << file << " did not throw";
  return "";
}

void write_header(const std::filesystem::path& file, std::vector<std::int32_t> header,
                  std::size_t payload_floats) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(header.data()), header.size() * 4);
  const std::vector<float> payload(payload_floats, 0.5f);
  out.write(reinterpret_cast<const char*>(payload.data()), payload.size() * 4);
}

class Llama2c : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(Llama2c, UnsharedClassifierRoundTripEqualsThePreset) {
  const ModelConfig tiny = preset_config("tiny");
  ASSERT_FALSE(tiny.shared_classifier);
  write_llama2c(dir_.path("tiny.bin"), tiny, kSeed);
  Model loaded = Model::from_llama2c(dir_.path("tiny.bin"), 2);
  Model preset = Model::from_preset("tiny", kSeed, 2);

  EXPECT_EQ(loaded.config().name, "tiny");  // the file's stem
  EXPECT_EQ(loaded.config().dim, tiny.dim);
  EXPECT_EQ(loaded.config().vocab_size, tiny.vocab_size);
  EXPECT_FALSE(loaded.config().shared_classifier);
  EXPECT_GE(loaded.config().max_seq_len, 16384);
  EXPECT_EQ(loaded.fingerprint(), preset.fingerprint());
  EXPECT_EQ(decode_logits(loaded, 4), decode_logits(preset, 4));
}

TEST_F(Llama2c, SharedClassifierUsesTheEmbedding) {
  ModelConfig config = preset_config("tiny");
  config.n_layers = 2;
  config.shared_classifier = true;
  config.max_seq_len = 64;
  write_llama2c(dir_.path("shared.bin"), config, kSeed);
  Model model = Model::from_llama2c(dir_.path("shared.bin"), 2);
  EXPECT_TRUE(model.config().shared_classifier);

  // Compared with the naive reader, which takes the classifier from the
  // embedding itself.
  ReferenceLlama reference(dir_.path("shared.bin"));
  KvBlockPool pool(model.config(), KvDtype::f32, kTestBlockSize, kTestPoolBlocks);
  TestSequence sequence;
  const std::vector<int> prompt = synthetic_prompt(9, 2);
  std::vector<double> expected;
  for (int token : prompt)
    expected = reference.step(token);
  const std::vector<float> logits = forward_one(model, pool, sequence, prompt);
  double max_diff = 0, max_ref = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(logits[i] - expected[i]));
    max_ref = std::max(max_ref, std::abs(expected[i]));
  }
  EXPECT_LE(max_diff / max_ref, 1e-4);
}

TEST_F(Llama2c, LargeVocabularyFileLoadsAndDecodes) {
  ModelConfig config;
  config.dim = 64;
  config.hidden_dim = 172;
  config.n_layers = 2;
  config.n_heads = 4;
  config.n_kv_heads = 2;
  config.vocab_size = 32000;
  config.max_seq_len = 256;
  config.shared_classifier = true;  // like llama2.c's stories models
  write_llama2c(dir_.path("vocab32k.bin"), config, kSeed);
  Model model = Model::from_llama2c(dir_.path("vocab32k.bin"), 2);
  EXPECT_EQ(model.config().vocab_size, 32000);

  KvBlockPool pool(model.config(), KvDtype::f32, kTestBlockSize, kTestPoolBlocks);
  TestSequence sequence;
  std::vector<float> logits =
      forward_one(model, pool, sequence, ByteTokenizer(32000).encode("Once upon a time"));
  ASSERT_EQ(logits.size(), 32000u);
  for (int step = 0; step < 4; ++step) {
    const int token = argmax(logits);
    logits = forward_one(model, pool, sequence, std::span(&token, 1));
    ASSERT_EQ(logits.size(), 32000u);
    EXPECT_TRUE(std::isfinite(logits[token]));
  }
}

TEST_F(Llama2c, TruncatedOrPaddedFileIsRejectedWithItsSizes) {
  const auto file = dir_.path("cut.bin");
  write_llama2c(file, preset_config("tiny"), kSeed);
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 4);
  EXPECT_THAT(load_error(file), AllOf(HasSubstr(file.string()), HasSubstr(std::to_string(size - 4)),
                                      HasSubstr(std::to_string(size)), HasSubstr("truncated")));
  std::filesystem::resize_file(file, size + 8);
  EXPECT_THAT(load_error(file),
              AllOf(HasSubstr(file.string()), HasSubstr(std::to_string(size + 8))));
  std::filesystem::resize_file(file, 10);
  EXPECT_THAT(load_error(file), AllOf(HasSubstr(file.string()), HasSubstr("header")));
}

TEST_F(Llama2c, BadHeadersNameTheFieldAtFault) {
  const auto file = dir_.path("bad.bin");
  write_header(file, {64, 128, 2, 5, 5, 300, 16}, 1000);
  EXPECT_THAT(load_error(file), AllOf(HasSubstr(file.string()), HasSubstr("n_heads 5")));
  write_header(file, {64, 128, 2, 4, 3, 300, 16}, 1000);
  EXPECT_THAT(load_error(file), HasSubstr("n_kv_heads 3"));
  write_header(file, {64, -128, 2, 4, 4, 300, 16}, 1000);
  EXPECT_THAT(load_error(file), HasSubstr("hidden_dim is -128"));
  write_header(file, {64, 128, 2, 4, 4, -100, 16}, 1000);
  EXPECT_THAT(load_error(file), HasSubstr("vocab_size 100"));
  write_header(file, {64, 128, 0, 4, 4, 300, 16}, 1000);
  EXPECT_THAT(load_error(file), HasSubstr("n_layers is 0"));
}

TEST_F(Llama2c, MissingFileIsNamed) {
  EXPECT_THAT(load_error(dir_.path("absent.bin")),
              AllOf(HasSubstr("absent.bin"), HasSubstr("cannot open")));
}

TEST_F(Llama2c, WriterRejectsShapesTheFormatCannotHold) {
  ModelConfig config = preset_config("tiny");
  config.vocab_size = 100;
  EXPECT_THROW(write_llama2c(dir_.path("x.bin"), config, 1), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_.path("x.bin")));
}

}  // namespace
}  // namespace sbench::server::testing
