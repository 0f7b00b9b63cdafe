#include "model/kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

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

TEST(AttentionKernels, ScoresSoftmaxAndValuesMatchPlainMath) {
  constexpr int kHeadDim = 20, kStride = 44;
  for (const Kernels* kernels : all_kernels()) {
    for (int count : {1, 3, 4, 9, 17}) {
      const auto query = random_floats(kHeadDim, 6);
      const auto keys = random_floats(std::size_t(count) * kStride, 7);
      std::vector<float> scores(count);
      kernels->attention_scores(query.data(), keys.data(), count, kHeadDim, kStride, 0.5f,
                                scores.data());
      std::vector<double> expected(count);
      double max = -1e30;
      for (int j = 0; j < count; ++j) {
        for (int d = 0; d < kHeadDim; ++d)
          expected[j] += 0.5 * query[d] * keys[j * kStride + d];
        EXPECT_NEAR(scores[j], expected[j], 1e-5) << kernels->name;
        max = std::max(max, expected[j]);
      }

      const float sum = kernels->softmax_numerators(scores.data(), count);
      double expected_sum = 0;
      for (int j = 0; j < count; ++j) {
        const double e = std::exp(expected[j] - max);
        expected_sum += e;
        EXPECT_NEAR(scores[j], e, 1e-5 * e + 1e-6) << kernels->name << " count " << count;
      }
      EXPECT_NEAR(sum, expected_sum, 1e-5 * expected_sum) << kernels->name;

      std::vector<float> out(kHeadDim, 1.0f);
      kernels->accumulate_values(scores.data(), keys.data(), count, kHeadDim, kStride, out.data());
      for (int d = 0; d < kHeadDim; ++d) {
        double value = 1.0;
        for (int j = 0; j < count; ++j)
          value += double(scores[j]) * keys[j * kStride + d];
        EXPECT_NEAR(out[d], value, 1e-5) << kernels->name;
      }
    }
  }
}

TEST(AttentionKernels, SoftmaxUnderflowsToZeroWithoutNaN) {
  for (const Kernels* kernels : all_kernels()) {
    std::vector<float> scores{0.0f, -50.0f, -200.0f, -1e30f, 3.0f};
    const float sum = kernels->softmax_numerators(scores.data(), 5);
    EXPECT_FLOAT_EQ(scores[4], 1.0f);
    EXPECT_LT(scores[2], 1e-30f);
    EXPECT_GE(scores[3], 0.0f);
    EXPECT_TRUE(std::isfinite(sum));
  }
}

}  // namespace
}  // namespace sbench::server::model
