#include "model/kernels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
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

// Shapes with partial panels and k not a multiple of the vector width.
struct Shape {
  int rows, outputs, inputs;
};
constexpr Shape kShapes[] = {{1, 37, 29},  {5, 16, 8},    {7, 100, 300},
                             {8, 70, 260}, {13, 33, 520}, {40, 70, 260}};

TEST(Matmul, MatchesDoublePrecisionProduct) {
  ThreadPool pool(3);
  for (const Kernels* kernels : usable_kernels()) {
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
  for (const Kernels* kernels : usable_kernels()) {
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

// The vector sets differ in how many rows and columns a tile holds, never in
// an output's multiply-add chain, so they give the same bits: through the
// decode tiles (fewer than kRowsForKBlocking rows) and the prefill tiles.
TEST(Matmul, VectorKernelSetsGiveTheSameBits) {
  const std::vector<const Kernels*> sets = usable_kernels();
  if (sets.size() < 3)
    GTEST_SKIP() << "this CPU runs at most one vector kernel set";
  ThreadPool pool(2);
  // 15 panels, the last partial: 7 and 8 a thread, so prefill tiles of every
  // width the sets have (a group's panels left over included). Two k blocks.
  constexpr int kOutputs = 230, kInputs = 300;
  const auto w = random_floats(std::size_t(kOutputs) * kInputs, 5);
  PackedMatrix packed(kOutputs, kInputs);
  packed.set_rows(0, w.data(), kOutputs, pool);
  for (int rows = 1; rows <= kRowsForKBlocking + 2; ++rows) {
    const auto x = random_floats(std::size_t(rows) * kInputs, 6);
    std::vector<float> expected(std::size_t(rows) * kOutputs);
    matmul(*sets[1], pool, x.data(), rows, packed, expected.data());
    for (std::size_t set = 2; set < sets.size(); ++set) {
      std::vector<float> y(expected.size());
      matmul(*sets[set], pool, x.data(), rows, packed, y.data());
      EXPECT_EQ(y, expected) << sets[set]->name << " against " << sets[1]->name << ", " << rows
                             << " rows";
    }
  }
}

TEST(KernelSets, ChosenByNameOrTheFastestAndAnUnknownNameListsTheUsableOnes) {
  const std::vector<const Kernels*> usable = usable_kernels();
  EXPECT_EQ(usable.front(), &portable_kernels());
  EXPECT_EQ(&choose_kernels(""), usable.back());
  for (const Kernels* kernels : usable)
    EXPECT_EQ(&choose_kernels(kernels->name), kernels);
  try {
    choose_kernels("avx1024");
    FAIL() << "an unknown kernel set was accepted";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("SBENCH_KERNELS=avx1024"), std::string::npos) << message;
    for (const Kernels* kernels : usable)
      EXPECT_NE(message.find(kernels->name), std::string::npos) << message;
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
  // they score several keys and queries at a time.
  constexpr int kQueries = 4;
  for (const int head_dim : {20, 64}) {
    const int stride = head_dim + 24;
    for (const Kernels* kernels : usable_kernels()) {
      for (KvDtype dtype : {KvDtype::f32, KvDtype::f16}) {
        const KvKernels& cache = kernels->kv(dtype);
        const std::string where = std::string(kernels->name) + " " + kv_dtype_name(dtype) +
                                  " head_dim " + std::to_string(head_dim);
        for (int count : {1, 3, 4, 9, 17}) {
          const auto queries = random_floats(std::size_t(kQueries) * head_dim, 6);
          const auto source = random_floats(std::size_t(count) * stride, 7);
          const StoredRun keys = store_run(cache, dtype, source);
          for (std::size_t i = 0; i < source.size(); ++i)  // f16: rounded, not truncated
            ASSERT_NEAR(keys.exact[i], source[i], std::ldexp(std::abs(source[i]), -11) + 0x1p-25)
                << where;
          // Read back as the f32 attention computes on, exactly: rows (as
          // values are), and transposed (as keys are) into a wider buffer
          // whose other columns must stay untouched.
          std::vector<float> rows(std::size_t(count) * head_dim);
          cache.load(keys.bytes.data(), count, head_dim, stride, rows.data());
          const int columns = count + 5;
          std::vector<float> transposed(std::size_t(head_dim) * columns, -3.0f);
          cache.load_transposed(keys.bytes.data(), count, head_dim, stride, transposed.data() + 2,
                                columns);
          for (int j = 0; j < count; ++j)
            for (int d = 0; d < head_dim; ++d) {
              ASSERT_EQ(rows[j * head_dim + d], keys.exact[j * stride + d]) << where;
              ASSERT_EQ(transposed[d * columns + 2 + j], keys.exact[j * stride + d]) << where;
            }
          for (int d = 0; d < head_dim; ++d)
            for (int j : {0, 1, count + 2, count + 3, count + 4})
              ASSERT_EQ(transposed[d * columns + j], -3.0f) << where << ": wrote beside the keys";

          // Query q sees the first count - q keys, as the earlier tokens of a
          // tile see fewer: its weights past them must be exactly 0.
          const int width = count + 3;  // a scores row longer than the keys
          std::vector<float> scores(std::size_t(kQueries) * width, -7.0f);
          kernels->attention_scores(queries.data(), kQueries, transposed.data() + 2, count, columns,
                                    head_dim, 0.5f, scores.data(), width);
          std::vector<float> out(std::size_t(kQueries) * head_dim, 1.0f);
          std::vector<std::vector<double>> weights(kQueries);
          for (int q = 0; q < kQueries; ++q) {
            const int seen = std::max(0, count - q);
            std::vector<double> expected(count);
            double max = -1e30;
            for (int j = 0; j < count; ++j) {
              for (int d = 0; d < head_dim; ++d)
                expected[j] += 0.5 * queries[q * head_dim + d] * rows[j * head_dim + d];
              EXPECT_NEAR(scores[q * width + j], expected[j], 1e-5) << where;
              if (j < seen)
                max = std::max(max, expected[j]);
            }
            EXPECT_EQ(scores[q * width + count], -7.0f) << where << ": wrote past the keys";

            SoftmaxState state{-std::numeric_limits<float>::infinity(), 0.0f};
            kernels->softmax_step(scores.data() + q * width, seen, count, state);
            double expected_sum = 0;
            for (int j = 0; j < count; ++j) {
              const double e = j < seen ? std::exp(expected[j] - max) : 0.0;
              weights[q].push_back(scores[q * width + j]);
              expected_sum += e;
              if (j < seen)
                EXPECT_NEAR(scores[q * width + j], e, 1e-5 * e + 1e-6) << where;
              else
                EXPECT_EQ(scores[q * width + j], 0.0f) << where << " query " << q << " key " << j;
            }
            if (seen > 0) {
              EXPECT_NEAR(state.max, max, 1e-5) << where;
              EXPECT_NEAR(state.sum, expected_sum, 1e-5 * expected_sum) << where;
            }
          }

          kernels->accumulate_values(scores.data(), width, kQueries, rows.data(), count, head_dim,
                                     out.data());
          for (int q = 0; q < kQueries; ++q)
            for (int d = 0; d < head_dim; ++d) {
              double value = 1.0;
              for (int j = 0; j < count; ++j)
                value += weights[q][j] * rows[j * head_dim + d];
              EXPECT_NEAR(out[q * head_dim + d], value, 1e-5) << where;
            }
        }
      }
    }
  }
}

// Batch and chunking invariance rest on these: a score, and a query's
// gathered values, get exactly the bits they get computed alone, whatever
// tile of queries and keys they are computed in.
TEST(AttentionKernels, AScoreHasTheSameBitsInAnyTile) {
  // 29 keys: tiles of several vectors, single vectors and a partial one; up
  // to 13 queries: every tile height and the rows left over.
  constexpr int kHeadDim = 64, kKeys = 29, kQueries = 13;
  const auto queries = random_floats(std::size_t(kQueries) * kHeadDim, 8);
  const auto keys = random_floats(std::size_t(kHeadDim) * kKeys, 9);  // transposed
  for (const Kernels* kernels : usable_kernels()) {
    for (int query_count = 1; query_count <= kQueries; ++query_count) {
      std::vector<float> together(std::size_t(query_count) * kKeys);
      kernels->attention_scores(queries.data(), query_count, keys.data(), kKeys, kKeys, kHeadDim,
                                0.125f, together.data(), kKeys);
      for (int q = 0; q < query_count; ++q)
        for (int j = 0; j < kKeys; ++j) {
          float alone = 0;
          kernels->attention_scores(queries.data() + q * kHeadDim, 1, keys.data() + j, 1, kKeys,
                                    kHeadDim, 0.125f, &alone, 1);
          ASSERT_EQ(together[q * kKeys + j], alone)
              << kernels->name << " query " << q << " of " << query_count << ", key " << j;
        }
    }
  }
}

TEST(AttentionKernels, GatheredValuesHaveTheSameBitsInAnyTileAndZeroWeightsChangeNothing) {
  constexpr int kHeadDim = 72, kKeys = 13, kQueries = 5;  // 72: a tail of 8 past 64
  const auto values = random_floats(std::size_t(kKeys) * kHeadDim, 10);
  auto weights = random_floats(std::size_t(kQueries) * kKeys, 11);
  for (float& w : weights)
    w = std::abs(w);
  const auto start = random_floats(std::size_t(kQueries) * kHeadDim, 12);
  for (const Kernels* kernels : usable_kernels()) {
    for (int query_count = 1; query_count <= kQueries; ++query_count) {
      std::vector<float> together(start.begin(), start.begin() + query_count * kHeadDim);
      kernels->accumulate_values(weights.data(), kKeys, query_count, values.data(), kKeys, kHeadDim,
                                 together.data());
      for (int q = 0; q < query_count; ++q) {
        std::vector<float> alone(start.begin() + q * kHeadDim, start.begin() + (q + 1) * kHeadDim);
        kernels->accumulate_values(weights.data() + q * kKeys, kKeys, 1, values.data(), kKeys,
                                   kHeadDim, alone.data());
        EXPECT_TRUE(std::equal(alone.begin(), alone.end(), together.begin() + q * kHeadDim))
            << kernels->name << " query " << q << " of " << query_count;

        // The same query over only its first 6 keys, and over all 13 with
        // the last 7 weighted 0: a query that sees fewer keys than its tile.
        std::vector<float> fewer(start.begin() + q * kHeadDim, start.begin() + (q + 1) * kHeadDim);
        kernels->accumulate_values(weights.data() + q * kKeys, kKeys, 1, values.data(), 6, kHeadDim,
                                   fewer.data());
        std::vector<float> zeroed(weights.begin() + q * kKeys, weights.begin() + (q + 1) * kKeys);
        std::fill(zeroed.begin() + 6, zeroed.end(), 0.0f);
        std::vector<float> padded(start.begin() + q * kHeadDim, start.begin() + (q + 1) * kHeadDim);
        kernels->accumulate_values(zeroed.data(), kKeys, 1, values.data(), kKeys, kHeadDim,
                                   padded.data());
        EXPECT_TRUE(std::equal(fewer.begin(), fewer.end(), padded.begin())) << kernels->name;
      }
    }
  }
}

// The vector sets tile attention's products differently, never an output's
// chain, so they give the same bits: with enough keys and dimensions for
// AVX-512's tiles of 64, and the keys, queries and dimensions they leave.
TEST(AttentionKernels, VectorKernelSetsGiveTheSameBits) {
  const std::vector<const Kernels*> sets = usable_kernels();
  if (sets.size() < 3)
    GTEST_SKIP() << "this CPU runs at most one vector kernel set";
  constexpr int kKeys = 150, kQueries = 13;
  for (const int head_dim : {64, 72, 128}) {
    const auto queries = random_floats(std::size_t(kQueries) * head_dim, 17);
    const auto keys = random_floats(std::size_t(head_dim) * kKeys, 18);  // transposed
    const auto values = random_floats(std::size_t(kKeys) * head_dim, 19);
    const auto weights = random_floats(std::size_t(kQueries) * kKeys, 20);
    const auto start = random_floats(std::size_t(kQueries) * head_dim, 21);
    for (const int query_count : {1, 3, 4, 6, 7, 13}) {
      for (const int key_count : {64, 100, kKeys}) {
        const auto scores_of = [&](const Kernels& kernels) {
          std::vector<float> scores(std::size_t(query_count) * kKeys, -7.0f);
          kernels.attention_scores(queries.data(), query_count, keys.data(), key_count, kKeys,
                                   head_dim, 0.125f, scores.data(), kKeys);
          return scores;
        };
        const auto gathered_by = [&](const Kernels& kernels) {
          std::vector<float> out(start.begin(), start.begin() + query_count * head_dim);
          kernels.accumulate_values(weights.data(), kKeys, query_count, values.data(), key_count,
                                    head_dim, out.data());
          return out;
        };
        const std::vector<float> expected_scores = scores_of(*sets[1]);
        const std::vector<float> expected_gathered = gathered_by(*sets[1]);
        for (std::size_t set = 2; set < sets.size(); ++set) {
          const std::string where = std::string(sets[set]->name) + " against " + sets[1]->name +
                                    ", head_dim " + std::to_string(head_dim) + ", " +
                                    std::to_string(query_count) + " queries, " +
                                    std::to_string(key_count) + " keys";
          EXPECT_EQ(scores_of(*sets[set]), expected_scores) << where;
          EXPECT_EQ(gathered_by(*sets[set]), expected_gathered) << where;
        }
      }
    }
  }
}

// A lone query (a decode step's head) computes from the cache in place: its
// scores and gathered values must have the bits of the laid-out path, or a
// token would change with how its prompt was chunked.
TEST(AttentionKernels, ALoneQueryReadingTheCacheGetsTheBitsOfTheLaidOutPath) {
  for (const int head_dim : {20, 64, 72}) {  // a scalar tail; whole vectors; a vector past 64
    const int stride = 3 * head_dim;         // rows of a KV block hold every head
    for (const Kernels* kernels : usable_kernels()) {
      for (KvDtype dtype : {KvDtype::f32, KvDtype::f16}) {
        const KvKernels& cache = kernels->kv(dtype);
        const std::string where = std::string(kernels->name) + " " + kv_dtype_name(dtype) +
                                  " head_dim " + std::to_string(head_dim);
        // Up to 70 keys: groups of 32, of 8, partial groups, in rows lying
        // in reverse order in memory as a step's blocks may.
        constexpr int kMaxKeys = 70;
        const StoredRun run = store_run(cache, dtype, random_floats(kMaxKeys * stride, 13));
        const std::size_t row_bytes = stride * kv_dtype_bytes(dtype);
        const std::size_t head_offset = head_dim * kv_dtype_bytes(dtype);  // the second head
        std::vector<const std::byte*> rows(kMaxKeys);
        std::vector<std::byte> laid(run.bytes.size());  // the same rows in key order
        for (int j = 0; j < kMaxKeys; ++j) {
          const std::byte* row = run.bytes.data() + (kMaxKeys - 1 - j) * row_bytes;
          rows[j] = row + head_offset;
          std::copy_n(row, row_bytes, laid.data() + j * row_bytes);
        }
        const auto query = random_floats(head_dim, 14);
        const auto weights = random_floats(kMaxKeys, 15);
        const auto start = random_floats(head_dim, 16);
        for (int count = 1; count <= kMaxKeys; ++count) {
          std::vector<float> transposed(std::size_t(head_dim) * count);
          cache.load_transposed(laid.data() + head_offset, count, head_dim, stride,
                                transposed.data(), count);
          std::vector<float> expected(count), scores(count + 1, -7.0f);
          kernels->attention_scores(query.data(), 1, transposed.data(), count, count, head_dim,
                                    0.125f, expected.data(), count);
          cache.query_scores(query.data(), rows.data(), count, head_dim, 0.125f, scores.data());
          ASSERT_TRUE(std::equal(expected.begin(), expected.end(), scores.begin()))
              << where << ", " << count << " keys";
          ASSERT_EQ(scores[count], -7.0f) << where << ": wrote past the keys";

          std::vector<float> values(std::size_t(count) * head_dim);
          cache.load(laid.data() + head_offset, count, head_dim, stride, values.data());
          std::vector<float> gathered = start, in_place = start;
          kernels->accumulate_values(weights.data(), count, 1, values.data(), count, head_dim,
                                     gathered.data());
          cache.query_values(weights.data(), rows.data(), count, head_dim, in_place.data());
          ASSERT_EQ(gathered, in_place) << where << ", " << count << " values";
        }
      }
    }
  }
}

TEST(AttentionKernels, SoftmaxStepsRescaleTheRunningSumWhenTheMaxRises) {
  for (const Kernels* kernels : usable_kernels()) {
    SoftmaxState state{-std::numeric_limits<float>::infinity(), 0.0f};
    std::vector<float> first{1.0f, 2.0f, 0.5f};
    EXPECT_EQ(kernels->softmax_step(first.data(), 3, 3, state), 0.0f) << kernels->name;
    EXPECT_EQ(state.max, 2.0f);
    std::vector<float> lower{1.5f, -1.0f};
    EXPECT_EQ(kernels->softmax_step(lower.data(), 2, 2, state), 1.0f) << kernels->name;
    std::vector<float> higher{4.0f, 3.0f, 9.0f};  // the 9 is masked: past count
    const float rescale = kernels->softmax_step(higher.data(), 2, 3, state);
    EXPECT_NEAR(rescale, std::exp(-2.0), 1e-6) << kernels->name;
    EXPECT_EQ(state.max, 4.0f) << kernels->name;
    EXPECT_EQ(higher[2], 0.0f) << kernels->name;
    double expected = 0;
    for (double score : {1.0, 2.0, 0.5, 1.5, -1.0, 4.0, 3.0})
      expected += std::exp(score - 4.0);
    EXPECT_NEAR(state.sum, expected, 1e-5 * expected) << kernels->name;
  }
}

std::uint16_t stored_half(const Kernels& kernels, float value) {
  std::uint16_t half;
  kernels.kv_f16.store(&value, 1, reinterpret_cast<std::byte*>(&half));
  return half;
}

TEST(HalfConversion, EveryHalfSurvivesTheRoundTripOnEveryKernelSet) {
  for (const Kernels* kernels : usable_kernels()) {
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
  for (const Kernels* kernels : usable_kernels())
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
    for (const Kernels* kernels : usable_kernels())
      ASSERT_EQ(stored_half(*kernels, value), float_to_half(value))
          << kernels->name << " " << value;
  }
}

TEST(SwiGluKernel, MatchesTheFormulaAcrossMagnitudesAndTails) {
  std::vector<float> gate, up;
  for (int i = -400; i <= 400; ++i) {
    gate.push_back(static_cast<float>(i) * 0.25f);  // -100 .. 100, through 0
    up.push_back(1.0f + static_cast<float>(i % 7) * 0.5f);
  }
  for (const Kernels* kernels : usable_kernels()) {
    for (int count : {static_cast<int>(gate.size()), 13, 1}) {
      std::vector<float> out(count + 1, 5.0f);
      kernels->silu_multiply(gate.data(), up.data(), count, out.data());
      for (int i = 0; i < count; ++i) {
        const double x = gate[i];
        const double expected = x / (1.0 + std::exp(-x)) * up[i];
        EXPECT_NEAR(out[i], expected, 1e-6 * std::abs(expected) + 1e-30)
            << kernels->name << " silu(" << x << ")";
      }
      EXPECT_EQ(out[count], 5.0f) << kernels->name << ": wrote past count";
    }
  }
}

TEST(AttentionKernels, SoftmaxUnderflowsToZeroWithoutNaN) {
  for (const Kernels* kernels : usable_kernels()) {
    std::vector<float> scores{0.0f, -50.0f, -200.0f, -1e30f, 3.0f};
    SoftmaxState state{-std::numeric_limits<float>::infinity(), 0.0f};
    kernels->softmax_step(scores.data(), 5, 5, state);
    EXPECT_FLOAT_EQ(scores[4], 1.0f);
    EXPECT_LT(scores[2], 1e-30f);
    EXPECT_GE(scores[3], 0.0f);
    EXPECT_TRUE(std::isfinite(state.sum));
  }
}

}  // namespace
}  // namespace sbench::server::model
