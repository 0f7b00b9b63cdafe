#include "model/model.hpp"

#include <utility>

#include "model/fingerprint.hpp"
#include "model/forward.hpp"
#include "model/kernels.hpp"
#include "model/llama2c_file.hpp"
#include "model/synthetic_weights.hpp"
#include "model/thread_pool.hpp"
#include "model/weights.hpp"

namespace sbench::server {

// Lives on the heap and never moves: the forward pass keeps references to
// the weights and the pool.
struct Model::Impl {
  template <class LoadWeights>
  Impl(int threads, LoadWeights&& load)
      : pool(threads),
        kernels(model::best_kernels()),
        weights(load(pool)),
        fingerprint(model::fingerprint(weights)),
        forward(weights, kernels, pool) {}

  model::ThreadPool pool;
  const model::Kernels& kernels;
  model::Weights weights;
  std::uint64_t fingerprint;
  model::ForwardPass forward;
};

Model Model::from_preset(const std::string& preset, std::uint64_t seed, int threads) {
  const ModelConfig config = preset_config(preset);
  return Model(std::make_unique<Impl>(threads, [&](model::ThreadPool& pool) {
    return model::synthetic_weights(config, seed, pool);
  }));
}

Model Model::from_llama2c(const std::filesystem::path& file, int threads) {
  return Model(std::make_unique<Impl>(
      threads, [&](model::ThreadPool& pool) { return model::load_llama2c(file, pool); }));
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const ModelConfig& Model::config() const {
  return impl_->weights.config;
}
std::uint64_t Model::fingerprint() const {
  return impl_->fingerprint;
}
std::size_t Model::weight_bytes() const {
  return impl_->weights.bytes();
}
const char* Model::kernels() const {
  return impl_->kernels.name;
}
int Model::threads() const {
  return impl_->pool.size();
}

void Model::forward(std::span<const SequenceStep> batch, KvBlockPool& pool,
                    std::vector<float>& logits) {
  impl_->forward.run(batch, pool, logits);
}

}  // namespace sbench::server
