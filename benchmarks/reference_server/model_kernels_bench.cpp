// The model layer's kernels measured alone: our GEMM against OpenBLAS on the
// `small` preset's weight shapes, main-memory read bandwidth with the model's
// own thread pool (the decode roofline), and whole decode steps / prefill
// chunks of the `small` model.
//
// Why the model has its own GEMM: batching must never change tokens, so every
// output has to be one fixed multiply-add chain over k whatever the batch
// size, the other rows and the thread split. OpenBLAS promises no such thing
// (it picks kernels and blockings by shape), and at decode sizes (M <= 8) it
// is also the slower of the two here; the GEMM cases show by how much.
//
//   model_kernels_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "model/aligned_floats.hpp"
#include "model/kernels.hpp"
#include "model/matmul.hpp"
#include "model/model.hpp"
#include "model/packed_matrix.hpp"
#include "model/random.hpp"
#include "model/thread_pool.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server::model {
namespace {

// Weight copies cycled through so their total (>= 256 MiB) dwarfs the L3
// cache: a decode-sized product must stream its weights from memory, as in
// the real model, not hit cache.
constexpr std::size_t kWeightBytesInFlight = std::size_t{256} << 20;
constexpr std::size_t kBandwidthBufferBytes = std::size_t{1} << 30;

ThreadPool& shared_pool() {
  static ThreadPool pool(0);
  return pool;
}

std::vector<float> random_floats(std::size_t count, std::uint64_t seed) {
  const CounterRandom random(seed);
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i)
    values[i] = random.symmetric(i);
  return values;
}

struct GemmCase {
  int rows;
  int outputs;
  int inputs;
  std::size_t copies;
  std::vector<float> x;
  std::vector<float> y;

  GemmCase(const benchmark::State& state)
      : rows(static_cast<int>(state.range(0))),
        outputs(static_cast<int>(state.range(1))),
        inputs(static_cast<int>(state.range(2))),
        copies(std::max<std::size_t>(
            1, kWeightBytesInFlight / (std::size_t(outputs) * inputs * sizeof(float)))),
        x(random_floats(std::size_t(rows) * inputs, 1)),
        y(std::size_t(rows) * outputs) {}

  void report(benchmark::State& state) const {
    const double weight_bytes = double(outputs) * inputs * sizeof(float);
    const double flops = 2.0 * rows * outputs * inputs;
    state.counters["weight_GB"] =
        benchmark::Counter(weight_bytes * state.iterations() / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP"] =
        benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  }
};

void BM_GemmOurs(benchmark::State& state, const Kernels& kernels) {
  GemmCase c(state);
  std::vector<PackedMatrix> weights;
  const auto w = random_floats(std::size_t(c.outputs) * c.inputs, 2);
  for (std::size_t i = 0; i < c.copies; ++i) {
    weights.emplace_back(c.outputs, c.inputs);
    weights.back().set_rows(0, w.data(), c.outputs, shared_pool());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    matmul(kernels, shared_pool(), c.x.data(), c.rows, weights[next], c.y.data());
    next = (next + 1) % weights.size();
    benchmark::DoNotOptimize(c.y.data());
  }
  c.report(state);
}

void BM_GemmOpenBlas(benchmark::State& state) {
  GemmCase c(state);
  openblas_set_num_threads(shared_pool().size());
  std::vector<AlignedFloats> weights;
  const auto w = random_floats(std::size_t(c.outputs) * c.inputs, 2);
  for (std::size_t i = 0; i < c.copies; ++i) {
    weights.emplace_back(w.size());
    std::copy(w.begin(), w.end(), weights.back().data());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    // Y = X W^T with W stored [outputs][inputs], as the model keeps it.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.rows, c.outputs, c.inputs, 1.0f,
                c.x.data(), c.inputs, weights[next].data(), c.inputs, 0.0f, c.y.data(), c.outputs);
    next = (next + 1) % weights.size();
    benchmark::DoNotOptimize(c.y.data());
  }
  c.report(state);
}

// The small preset's FFN shapes: w1/w3 (2048 x 768) and w2 (768 x 2048).
void gemm_shapes(benchmark::internal::Benchmark* b) {
  for (int rows : {1, 3, 5, 8, 256}) {
    b->Args({rows, 2048, 768});
    b->Args({rows, 768, 2048});
  }
  b->ArgNames({"M", "N", "K"})->UseRealTime();
}
// One BM_GemmOurs<set> per vector kernel set this CPU runs (the fastest is
// the one the model uses); --benchmark_enable_random_interleaving compares
// them under the same machine noise.
const bool kGemmOursRegistered = [] {
  for (const Kernels* kernels : usable_kernels())
    if (kernels != &portable_kernels())
      benchmark::RegisterBenchmark(
          ("BM_GemmOurs<" + std::string(kernels->name) + ">").c_str(),
          [kernels](benchmark::State& state) { BM_GemmOurs(state, *kernels); })
          ->Apply(gemm_shapes);
  return true;
}();
BENCHMARK(BM_GemmOpenBlas)->Apply(gemm_shapes);

// Read bandwidth with the model's pool: the ceiling a memory-bound decode
// step can reach.
void BM_MemoryReadBandwidth(benchmark::State& state) {
  static AlignedFloats buffer = [] {
    AlignedFloats b(kBandwidthBufferBytes / sizeof(float));
    std::fill_n(b.data(), b.size(), 1.0f);
    return b;
  }();
  ThreadPool& pool = shared_pool();
  std::vector<float> sums(pool.size());
  for (auto _ : state) {
    const int tasks = pool.size();
    pool.run(tasks, [&](int task, int) {
      const std::size_t begin = buffer.size() * task / tasks;
      const std::size_t end = buffer.size() * (task + 1) / tasks;
      // Four independent 8-float vector sums (GCC vector extension, so no
      // -mavx2 needed): memory, not an add dependency chain, sets the pace.
      using Floats8 = float __attribute__((vector_size(32)));
      Floats8 partial[4] = {};
      const auto* data = reinterpret_cast<const Floats8*>(buffer.data());
      for (std::size_t i = begin / 8; i + 4 <= end / 8; i += 4)
        for (int j = 0; j < 4; ++j)
          partial[j] += data[i + j];
      for (const Floats8& p : partial)
        for (int lane = 0; lane < 8; ++lane)
          sums[task] += p[lane];
    });
    benchmark::DoNotOptimize(sums.data());
  }
  state.counters["read_GB"] = benchmark::Counter(
      double(kBandwidthBufferBytes) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MemoryReadBandwidth)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sbench::server::model

namespace sbench::server {
namespace {

constexpr int kBlockSize = 16;
constexpr int kPromptTokens = 64;
constexpr int kContextLimit = 512;  // sequences restart here so steps stay comparable
constexpr int kPrefillChunk = 256;

Model& small_model() {
  static Model model = Model::from_preset("small", 0, 0);
  return model;
}

// Weights a decode step streams from memory: everything but the embedding,
// of which it reads one row per token.
double streamed_weight_bytes(const Model& model) {
  const ModelConfig& c = model.config();
  return double(model.weight_bytes()) - double(c.vocab_size) * c.dim * sizeof(float);
}

struct Sequence {
  std::vector<BlockId> blocks;
  int length = 0;
  int next_token = 0;
};

void prefill(Model& model, KvBlockPool& pool, Sequence& sequence, std::uint64_t seed) {
  pool.release(sequence.blocks);
  const std::vector<int> prompt = synthetic_prompt(kPromptTokens, seed);
  pool.allocate(pool.blocks_for_tokens(kContextLimit), sequence.blocks);
  const SequenceStep step{prompt, 0, &sequence.blocks, true};
  std::vector<float> logits;
  model.forward(std::span(&step, 1), pool, logits);
  sequence.length = kPromptTokens;
  sequence.next_token = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

void BM_SmallDecodeStep(benchmark::State& state) {
  Model& model = small_model();
  const int batch_size = static_cast<int>(state.range(0));
  KvBlockPool pool(model.config(), KvDtype::f16, kBlockSize,
                   std::size_t(batch_size) * kContextLimit / kBlockSize);
  std::vector<Sequence> sequences(batch_size);
  for (int i = 0; i < batch_size; ++i)
    prefill(model, pool, sequences[i], i);

  std::vector<float> logits;
  std::vector<SequenceStep> batch(batch_size);
  for (auto _ : state) {
    if (sequences[0].length >= kContextLimit) {
      state.PauseTiming();
      for (int i = 0; i < batch_size; ++i)
        prefill(model, pool, sequences[i], i);
      state.ResumeTiming();
    }
    for (int i = 0; i < batch_size; ++i)
      batch[i] = {std::span(&sequences[i].next_token, 1), sequences[i].length, &sequences[i].blocks,
                  true};
    model.forward(batch, pool, logits);
    const std::size_t vocab = model.config().vocab_size;
    for (int i = 0; i < batch_size; ++i) {
      const float* row = logits.data() + i * vocab;
      sequences[i].next_token = int(std::max_element(row, row + vocab) - row);
      ++sequences[i].length;
    }
  }
  state.counters["tokens"] =
      benchmark::Counter(double(batch_size) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["weight_GB"] = benchmark::Counter(
      streamed_weight_bytes(model) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SmallDecodeStep)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(3)
    ->Arg(5)
    ->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_SmallPrefillChunk(benchmark::State& state) {
  Model& model = small_model();
  KvBlockPool pool(model.config(), KvDtype::f16, kBlockSize, kPrefillChunk / kBlockSize);
  const std::vector<int> prompt = synthetic_prompt(kPrefillChunk, 1);
  std::vector<BlockId> blocks;
  pool.allocate(pool.blocks_for_tokens(kPrefillChunk), blocks);
  const SequenceStep step{prompt, 0, &blocks, true};
  std::vector<float> logits;
  for (auto _ : state)
    model.forward(std::span(&step, 1), pool, logits);
  const double flops = 2.0 * double(model.config().parameter_count()) * kPrefillChunk;
  state.counters["tokens"] =
      benchmark::Counter(double(kPrefillChunk) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["GFLOP"] =
      benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SmallPrefillChunk)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_SmallPresetGeneration(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(Model::from_preset("small", 1, 0).fingerprint());
}
BENCHMARK(BM_SmallPresetGeneration)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace sbench::server

BENCHMARK_MAIN();
