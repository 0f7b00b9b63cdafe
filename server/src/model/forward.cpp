#include "model/forward.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/element_wise.hpp"
#include "model/matmul.hpp"

namespace sbench::server::model {
namespace {

// The sum of squares in kElementBlock interleaved partial sums, added up in
// one fixed tree: the sum does not wait on one add after another (768 in a
// row before).
void rms_norm(const float* __restrict x, const float* __restrict gain, int dim, float eps,
              float* __restrict out) {
  float partial[kElementBlock] = {};
  int i = 0;
  for (; i + kElementBlock <= dim; i += kElementBlock)
    for (int j = 0; j < kElementBlock; ++j)
      partial[j] += x[i + j] * x[i + j];
  for (int j = 0; i + j < dim; ++j)
    partial[j] += x[i + j] * x[i + j];
  for (int width = kElementBlock / 2; width > 0; width /= 2)
    for (int j = 0; j < width; ++j)
      partial[j] += partial[j + width];
  const float scale = 1.0f / std::sqrt(partial[0] / static_cast<float>(dim) + eps);
  int k = 0;
  for (; k + kElementBlock <= dim; k += kElementBlock)
    for (int j = 0; j < kElementBlock; ++j)
      out[k + j] = gain[k + j] * (scale * x[k + j]);
  for (; k < dim; ++k)
    out[k] = gain[k] * (scale * x[k]);
}

// llama2.c's pairing: consecutive elements (2i, 2i+1) of each head rotate by
// position * theta^(-2i / head_dim).
void rotate_heads(float* x, int heads, int head_dim, const float* cos, const float* sin) {
  for (int head = 0; head < heads; ++head) {
    float* v = x + head * head_dim;
    for (int i = 0; i < head_dim / 2; ++i) {
      const float a = v[2 * i];
      const float b = v[2 * i + 1];
      v[2 * i] = a * cos[i] - b * sin[i];
      v[2 * i + 1] = a * sin[i] + b * cos[i];
    }
  }
}

std::string entry_error(std::size_t entry, const std::string& what) {
  return "forward: batch entry " + std::to_string(entry) + " " + what;
}

}  // namespace

ForwardPass::ForwardPass(const Weights& weights, const Kernels& kernels, ThreadPool& pool)
    : weights_(weights),
      config_(weights.config),
      kernels_(kernels),
      pool_(pool),
      attention_(weights.config, kernels, pool) {}

template <class RowOp>
void ForwardPass::for_each_row(int rows, RowOp&& row_op) {
  // Split as soon as every thread gets a row: between a decode step's
  // products the workers are spinning, so handing them rows costs less than
  // the pass (rotation, norms and SwiGLU of 8 rows took ~0.5 ms of a ~15 ms
  // step on one thread).
  if (rows < pool_.size()) {
    for (int row = 0; row < rows; ++row)
      row_op(row);
    return;
  }
  const int tasks = pool_.size();
  pool_.run(tasks, [&](int task, int) {
    for (int row = rows * task / tasks; row < rows * (task + 1) / tasks; ++row)
      row_op(row);
  });
}

void ForwardPass::validate(std::span<const SequenceStep> batch, const KvBlockPool& kv) const {
  for (std::size_t entry = 0; entry < batch.size(); ++entry) {
    const SequenceStep& step = batch[entry];
    if (step.tokens.empty())
      throw std::invalid_argument(entry_error(entry, "has no tokens"));
    if (step.blocks == nullptr)
      throw std::invalid_argument(entry_error(entry, "has no block table"));
    const std::size_t end = static_cast<std::size_t>(step.start_pos) + step.tokens.size();
    if (step.start_pos < 0 || end > static_cast<std::size_t>(config_.max_seq_len))
      throw std::invalid_argument(entry_error(
          entry, "exceeds the model's context of " + std::to_string(config_.max_seq_len)));
    if (end > step.blocks->size() * kv.block_size())
      throw std::invalid_argument(entry_error(entry, "needs more KV blocks than it holds"));
    for (int token : step.tokens)
      if (token < 0 || token >= config_.vocab_size)
        throw std::invalid_argument(entry_error(
            entry, "has token id " + std::to_string(token) + " outside the vocabulary"));
  }
}

void ForwardPass::prepare_rows(std::span<const SequenceStep> batch) {
  first_row_.clear();
  positions_.clear();
  row_blocks_.clear();
  for (const auto& step : batch) {
    first_row_.push_back(static_cast<int>(positions_.size()));
    for (std::size_t t = 0; t < step.tokens.size(); ++t) {
      positions_.push_back(step.start_pos + static_cast<int>(t));
      row_blocks_.push_back(step.blocks);
    }
  }
  rows_ = static_cast<int>(positions_.size());

  const std::size_t rows = rows_;
  const std::size_t dim = config_.dim;
  residual_.resize(rows * dim);
  normed_.resize(rows * dim);
  qkv_.resize(rows * (dim + 2 * config_.kv_dim()));
  attended_.resize(rows * dim);
  projected_.resize(rows * dim);
  gate_up_.resize(rows * 2 * config_.hidden_dim);
  hidden_.resize(rows * config_.hidden_dim);

  const int pairs = config_.head_dim() / 2;
  rope_cos_.resize(rows * pairs);
  rope_sin_.resize(rows * pairs);
  for (std::size_t row = 0; row < rows; ++row)
    for (int i = 0; i < pairs; ++i) {
      // Double precision: position * frequency reaches ~16k radians.
      const double frequency =
          std::pow(static_cast<double>(config_.rope_theta), -2.0 * i / config_.head_dim());
      const double angle = positions_[row] * frequency;
      rope_cos_[row * pairs + i] = static_cast<float>(std::cos(angle));
      rope_sin_[row * pairs + i] = static_cast<float>(std::sin(angle));
    }

  int row = 0;
  for (const auto& step : batch)
    for (int token : step.tokens)
      std::copy_n(weights_.token_embedding.data() + static_cast<std::size_t>(token) * dim, dim,
                  residual_.data() + static_cast<std::size_t>(row++) * dim);
}

void ForwardPass::store_key_value(int row, KvBlockPool& kv, int layer) {
  const int kv_dim = config_.kv_dim();
  const int position = positions_[row];
  const BlockId block = (*row_blocks_[row])[position / kv.block_size()];
  const std::size_t slot =
      static_cast<std::size_t>(position % kv.block_size()) * kv_dim * kv.element_bytes();
  const float* k =
      qkv_.data() + row * (config_.dim + 2 * static_cast<std::size_t>(kv_dim)) + config_.dim;
  const KvKernels& cache = kernels_.kv(kv.dtype());
  cache.store(k, kv_dim, kv.keys(block, layer) + slot);
  cache.store(k + kv_dim, kv_dim, kv.values(block, layer) + slot);
}

void ForwardPass::layer(int index, std::span<const SequenceStep> batch, KvBlockPool& kv) {
  const LayerWeights& w = weights_.layers[index];
  const int dim = config_.dim;
  const int hidden = config_.hidden_dim;
  const std::size_t qkv_stride = dim + 2 * config_.kv_dim();
  const int pairs = config_.head_dim() / 2;

  for_each_row(rows_, [&](int row) {
    rms_norm(residual_.data() + row * dim, w.attention_norm.data(), dim, config_.norm_eps,
             normed_.data() + row * dim);
  });
  matmul(kernels_, pool_, normed_.data(), rows_, w.qkv, qkv_.data());
  for_each_row(rows_, [&](int row) {
    float* q = qkv_.data() + row * qkv_stride;
    const float* cos = rope_cos_.data() + row * pairs;
    const float* sin = rope_sin_.data() + row * pairs;
    rotate_heads(q, config_.n_heads, config_.head_dim(), cos, sin);
    rotate_heads(q + dim, config_.n_kv_heads, config_.head_dim(), cos, sin);
    // Stored while the row is in cache, and split over the pool with the
    // rotation: a cold prefill's stores (the first touch of its KV pages)
    // ran on one thread before, ~1.5 ms of a 256-token chunk's 4.
    store_key_value(row, kv, index);
  });
  attention_.run(batch, first_row_, kv, index, qkv_.data(), attended_.data());
  matmul(kernels_, pool_, attended_.data(), rows_, w.attention_output, projected_.data());
  for_each_row(rows_, [&](int row) {
    add_into(residual_.data() + row * dim, projected_.data() + row * dim, dim);
    rms_norm(residual_.data() + row * dim, w.ffn_norm.data(), dim, config_.norm_eps,
             normed_.data() + row * dim);
  });

  matmul(kernels_, pool_, normed_.data(), rows_, w.gate_up, gate_up_.data());
  for_each_row(rows_, [&](int row) {
    const float* gate = gate_up_.data() + static_cast<std::size_t>(row) * 2 * hidden;
    kernels_.silu_multiply(gate, gate + hidden, hidden,
                           hidden_.data() + static_cast<std::size_t>(row) * hidden);
  });
  matmul(kernels_, pool_, hidden_.data(), rows_, w.down, projected_.data());
  for_each_row(rows_, [&](int row) {
    add_into(residual_.data() + row * dim, projected_.data() + row * dim, dim);
  });
}

void ForwardPass::compute_logits(std::span<const SequenceStep> batch, std::vector<float>& logits) {
  // Only each wanted entry's last token is normalised and classified; the
  // rows are gathered into the front of normed_.
  const int dim = config_.dim;
  int wanted = 0;
  for (std::size_t s = 0; s < batch.size(); ++s) {
    if (!batch[s].want_logits)
      continue;
    const int last = first_row_[s] + static_cast<int>(batch[s].tokens.size()) - 1;
    rms_norm(residual_.data() + static_cast<std::size_t>(last) * dim, weights_.final_norm.data(),
             dim, config_.norm_eps, normed_.data() + static_cast<std::size_t>(wanted++) * dim);
  }
  logits.resize(static_cast<std::size_t>(wanted) * config_.vocab_size);
  matmul(kernels_, pool_, normed_.data(), wanted, weights_.classifier, logits.data());
}

void ForwardPass::run(std::span<const SequenceStep> batch, KvBlockPool& kv,
                      std::vector<float>& logits) {
  validate(batch, kv);
  prepare_rows(batch);
  for (int index = 0; index < config_.n_layers; ++index)
    layer(index, batch, kv);
  compute_logits(batch, logits);
}

}  // namespace sbench::server::model
