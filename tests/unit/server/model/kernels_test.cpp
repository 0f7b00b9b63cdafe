#include "model/kernels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "model/half.hpp"
#include "model/matmul.hpp"
#include "model/random.hpp"

namespace sbench::server::model {
namespace {

std::vector<float> random_floats(std::size_t count, std::uint64_t seed) {
  const CounterRandom random(seed);
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i)
    values[i] = random.symmetric(i);
  return values;
}

std::vector<const Kernels*> all_kernels() {
  std::vector<const Kernels*> kernels{&portable_kernels()};
  if (&best_kernels() != &portable_kernels())
    kernels.push_back(&best_kernels());
  return kernels;
}

// Shapes with partial panels and k not a multiple of the vector width.
struct Shape {
  int rows, outputs, inputs;
};
constexpr Shape kShapes[] = {{1, 37, 29}, {5, 16, 8}, {7, 100, 300}, {13, 33, 520}, {40, 70, 260}};

TEST(Matmul, MatchesDoublePrecisionProduct) {
  ThreadPool pool(3);
  for (const Kernels* kernels : all_kernels()) {
    for (const Shape& s : kShapes) {
      const auto x = random_floats(std::size_t(s.rows) * s.inputs, 1);
      const auto w = random_floats(std::size_t(s.outputs) * s.inputs, 2);
      PackedMatrix packed(s.outputs, s.inputs);
      packed.set_rows(0, w.data(), s.outputs, pool);
      std::vector<float> y(std::size_t(s.rows) * s.outputs, -1.0f);
      matmul(*kernels, pool, x.data(), s.rows, packed, y.data());
      for (int m = 0; m < s.rows; ++m)
        for (int n = 0; n < s.outputs; ++n) {
          double expected = 0;
          for (int k = 0; k < s.inputs; ++k)
            expected += double(x[m * s.inputs + k]) * w[n * s.inputs + k];
          EXPECT_NEAR(y[m * s.outputs + n], expected, 1e-5 * s.inputs)
              << kernels->name << " " << s.rows << "x" << s.outputs << "x" << s.inputs;
        }
    }
  }
}

TEST(Matmul, EachRowIsBitIdenticalWhateverTheBatchAndThreads) {
  ThreadPool one(1), three(3);
  for (const Kernels* kernels : all_kernels()) {
    for (const Shape& s : kShapes) {
      const auto x = random_floats(std::size_t(s.rows) * s.inputs, 3);
      const auto w = random_floats(std::size_t(s.outputs) * s.inputs, 4);
      PackedMatrix packed(s.outputs, s.inputs);
      packed.set_rows(0, w.data(), s.outputs, one);
      std::vector<float> batched(std::size_t(s.rows) * s.outputs);
      matmul(*kernels, three, x.data(), s.rows, packed, batched.data());
      for (int m = 0; m < s.rows; ++m) {
        std::vector<float> alone(s.outputs);
        matmul(*kernels, one, x.data() + m * s.inputs, 1, packed, alone.data());
        EXPECT_TRUE(std::equal(alone.begin(), alone.end(), batched.begin() + m * s.outputs))
            << kernels->name << " row " << m << " of " << s.rows;
      }
    }
  }
}

TEST(Matmul, PackingRowsInPiecesEqualsPackingAtOnce) {
  ThreadPool pool(2);
  const auto w = random_floats(50 * 24, 5);
  PackedMatrix whole(50, 24), pieces(50, 24);
  whole.set_rows(0, w.data(), 50, pool);
  pieces.set_rows(0, w.data(), 21, pool);
  pieces.set_rows(21, w.data() + 21 * 24, 29, pool);
  ASSERT_EQ(whole.bytes(), pieces.bytes());
  EXPECT_TRUE(std::equal(whole.data(), whole.data() + whole.bytes() / 4, pieces.data()));
  EXPECT_THROW(pieces.set_rows(40, w.data(), 11, pool), std::out_of_range);
}

// `values` as the cache keeps them: stored through the kernels in `dtype`,
// and read back as the exact values attention sees.
struct StoredRun {
  std::vector<std::byte> bytes;
  std::vector<double> exact;
};

StoredRun store_run(const KvKernels& cache, KvDtype dtype, const std::vector<float>& values) {
  StoredRun run{std::vector<std::byte>(values.size() * kv_dtype_bytes(dtype)), {}};
  cache.store(values.data(), static_cast<int>(values.size()), run.bytes.data());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (dtype == KvDtype::f32) {
      run.exact.push_back(values[i]);
    } else {
      std::uint16_t half;
      std::memcpy(&half, run.bytes.data() + 2 * i, 2);
      run.exact.push_back(half_to_float(half));
    }
  }
  return run;
}

TEST(AttentionKernels, ScoresSoftmaxAndValuesMatchPlainMathForBothDtypes) {
  // 20: a head dim the vector kernels finish with a scalar tail; 64: one
  // they score eight keys at a time.
  for (const int head_dim : {20, 64}) {
    const int stride = head_dim + 24;
    for (const Kernels* kernels : all_kernels()) {
      for (KvDtype dtype : {KvDtype::f32, KvDtype::f16}) {
        const KvKernels& cache = kernels->kv(dtype);
        const std::string where = std::string(kernels->name) + " " + kv_dtype_name(dtype) +
                                  " head_dim " + std::to_string(head_dim);
        for (int count : {1, 3, 4, 9, 17}) {
          const auto query = random_floats(head_dim, 6);
          const auto source = random_floats(std::size_t(count) * stride, 7);
          const StoredRun keys = store_run(cache, dtype, source);
          for (std::size_t i = 0; i < source.size(); ++i)  // f16: rounded, not truncated
            ASSERT_NEAR(keys.exact[i], source[i], std::ldexp(std::abs(source[i]), -11) + 0x1p-25)
                << where;
          // Read back as the contiguous f32 rows attention computes on: exact.
          std::vector<float> rows(std::size_t(count) * head_dim);
          cache.load(keys.bytes.data(), count, head_dim, stride, rows.data());
          for (int j = 0; j < count; ++j)
            for (int d = 0; d < head_dim; ++d)
              ASSERT_EQ(rows[j * head_dim + d], keys.exact[j * stride + d]) << where;

          std::vector<float> scores(count);
          kernels->attention_scores(query.data(), rows.data(), count, head_dim, 0.5f,
                                    scores.data());
          std::vector<double> expected(count);
          double max = -1e30;
          for (int j = 0; j < count; ++j) {
            for (int d = 0; d < head_dim; ++d)
              expected[j] += 0.5 * query[d] * rows[j * head_dim + d];
            EXPECT_NEAR(scores[j], expected[j], 1e-5) << where;
            max = std::max(max, expected[j]);
          }

          const float sum = kernels->exp_sum(scores.data(), count,
                                             *std::max_element(scores.begin(), scores.end()));
          double expected_sum = 0;
          for (int j = 0; j < count; ++j) {
            const double e = std::exp(expected[j] - max);
            expected_sum += e;
            EXPECT_NEAR(scores[j], e, 1e-5 * e + 1e-6) << where << " count " << count;
          }
          EXPECT_NEAR(sum, expected_sum, 1e-5 * expected_sum) << where;

          std::vector<float> out(head_dim, 1.0f);
          kernels->accumulate_values(scores.data(), rows.data(), count, head_dim, out.data());
          for (int d = 0; d < head_dim; ++d) {
            double value = 1.0;
            for (int j = 0; j < count; ++j)
              value += double(scores[j]) * rows[j * head_dim + d];
            EXPECT_NEAR(out[d], value, 1e-5) << where;
          }
        }
      }
    }
  }
}

// Batch invariance rests on this: a key scored among others (eight at a
// time in the vector kernels) gets exactly the bits it gets scored alone.
TEST(AttentionKernels, AKeyScoresTheSameBitsAloneAndInAGroup) {
  constexpr int kHeadDim = 64, kKeys = 29;
  const auto query = random_floats(kHeadDim, 8);
  const auto keys = random_floats(std::size_t(kKeys) * kHeadDim, 9);
  for (const Kernels* kernels : all_kernels()) {
    std::vector<float> together(kKeys);
    kernels->attention_scores(query.data(), keys.data(), kKeys, kHeadDim, 0.125f, together.data());
    for (int j = 0; j < kKeys; ++j) {
      float alone = 0;
      kernels->attention_scores(query.data(), keys.data() + j * kHeadDim, 1, kHeadDim, 0.125f,
                                &alone);
      EXPECT_EQ(together[j], alone) << kernels->name << " key " << j;
    }
  }
}

std::uint16_t stored_half(const Kernels& kernels, float value) {
  std::uint16_t half;
  kernels.kv_f16.store(&value, 1, reinterpret_cast<std::byte*>(&half));
  return half;
}

TEST(HalfConversion, EveryHalfSurvivesTheRoundTripOnEveryKernelSet) {
  for (const Kernels* kernels : all_kernels()) {
    for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
      const auto half = static_cast<std::uint16_t>(bits);
      const float value = half_to_float(half);
      if (std::isnan(value))
        EXPECT_TRUE(std::isnan(half_to_float(stored_half(*kernels, value))));
      else
        ASSERT_EQ(stored_half(*kernels, value), half) << kernels->name << " " << value;
    }
  }
}

TEST(HalfConversion, RoundsToNearestTiesToEvenLikeTheHardware) {
  // Ties between two halves, the overflow and underflow edges, subnormals.
  const std::vector<std::pair<float, std::uint16_t>> cases = {
      {1.0f + 0x1p-11f, 0x3c00},      // tie: stays at the even 1.0
      {1.0f + 3 * 0x1p-11f, 0x3c02},  // tie: up to the even neighbour
      {1.0f + 0x1p-11f + 0x1p-20f, 0x3c01},
      {65504.0f, 0x7bff},
      {65519.0f, 0x7bff},
      {65520.0f, 0x7c00},  // the tie above the largest half: infinity
      {-1e10f, 0xfc00},
      {0x1p-24f, 0x0001},  // smallest subnormal
      {0x1p-25f, 0x0000},  // tie with zero: even
      {0x1p-25f * 1.5f, 0x0001},
      {0x1p-14f - 0x1p-25f, 0x0400},  // rounds up into the smallest normal
      {-0.0f, 0x8000},
  };
  for (const Kernels* kernels : all_kernels())
    for (const auto& [value, half] : cases)
      EXPECT_EQ(stored_half(*kernels, value), half) << kernels->name << " " << value;

  // Random floats of every magnitude: each kernel set rounds like the portable one.
  const CounterRandom random(11);
  for (std::uint64_t i = 0; i < 200000; ++i) {
    const auto bits = static_cast<std::uint32_t>(random.bits(i));
    float value;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isnan(value))
      continue;
    for (const Kernels* kernels : all_kernels())
      ASSERT_EQ(stored_half(*kernels, value), float_to_half(value))
          << kernels->name << " " << value;
  }
}

TEST(AttentionKernels, SoftmaxUnderflowsToZeroWithoutNaN) {
  for (const Kernels* kernels : all_kernels()) {
    std::vector<float> scores{0.0f, -50.0f, -200.0f, -1e30f, 3.0f};
    const float sum = kernels->exp_sum(scores.data(), 5, 3.0f);
    EXPECT_FLOAT_EQ(scores[4], 1.0f);
    EXPECT_LT(scores[2], 1e-30f);
    EXPECT_GE(scores[3], 0.0f);
    EXPECT_TRUE(std::isfinite(sum));
  }
}

}  // namespace
}  // namespace sbench::server::model
