#include "reference_llama.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace sbench::server::testing {
namespace {

std::vector<float> read_floats(std::ifstream& in, std::size_t count) {
  std::vector<float> values(count);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * 4));
  if (!in)
    throw std::runtime_error("reference: short file");
  return values;
}

}  // namespace

ReferenceLlama::ReferenceLlama(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::int32_t header[7];
  in.read(reinterpret_cast<char*>(header), sizeof header);
  dim_ = header[0];
  hidden_ = header[1];
  layers_ = header[2];
  heads_ = header[3];
  kv_heads_ = header[4];
  shared_ = header[5] > 0;
  vocab_ = std::abs(header[5]);
  const int seq_len = header[6];
  const std::size_t d = dim_, kv = kv_heads_ * (dim_ / heads_), h = hidden_, l = layers_;
  embedding_ = read_floats(in, vocab_ * d);
  rms_att_ = read_floats(in, l * d);
  wq_ = read_floats(in, l * d * d);
  wk_ = read_floats(in, l * kv * d);
  wv_ = read_floats(in, l * kv * d);
  wo_ = read_floats(in, l * d * d);
  rms_ffn_ = read_floats(in, l * d);
  w1_ = read_floats(in, l * h * d);
  w2_ = read_floats(in, l * d * h);
  w3_ = read_floats(in, l * h * d);
  rms_final_ = read_floats(in, d);
  read_floats(in, 2 * static_cast<std::size_t>(seq_len) * (dim_ / heads_) / 2);
  wcls_ = shared_ ? embedding_ : read_floats(in, vocab_ * d);
  keys_.resize(layers_);
  values_.resize(layers_);
}

std::vector<double> ReferenceLlama::project(const float* w, int rows,
                                            const std::vector<double>& x) const {
  std::vector<double> y(rows);
  for (int r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < x.size(); ++c)
      y[r] += static_cast<double>(w[r * x.size() + c]) * x[c];
  return y;
}

std::vector<double> ReferenceLlama::rms_norm(const std::vector<double>& x,
                                             const float* gain) const {
  double sum = 0;
  for (double v : x)
    sum += v * v;
  const double scale = 1.0 / std::sqrt(sum / static_cast<double>(x.size()) + 1e-5);
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = gain[i] * x[i] * scale;
  return out;
}

void ReferenceLlama::rope(std::vector<double>& v, int position) const {
  const int head_dim = dim_ / heads_;
  for (std::size_t i = 0; i < v.size(); i += 2) {
    const int within_head = static_cast<int>(i) % head_dim;
    const double angle = position * std::pow(10000.0, -static_cast<double>(within_head) / head_dim);
    const double a = v[i], b = v[i + 1];
    v[i] = a * std::cos(angle) - b * std::sin(angle);
    v[i + 1] = a * std::sin(angle) + b * std::cos(angle);
  }
}

std::vector<double> ReferenceLlama::step(int token) {
  const int head_dim = dim_ / heads_;
  const int kv_dim = kv_heads_ * head_dim;
  const std::size_t d = dim_;
  // Layer l's slice of a stacked per-layer tensor.
  const auto slice = [](const Matrix& m, std::size_t layer, std::size_t size) {
    return m.data() + layer * size;
  };
  std::vector<double> x(embedding_.begin() + token * d, embedding_.begin() + (token + 1) * d);

  for (int l = 0; l < layers_; ++l) {
    std::vector<double> h = rms_norm(x, rms_att_.data() + l * d);
    std::vector<double> q = project(slice(wq_, l, d * d), dim_, h);
    std::vector<double> k = project(slice(wk_, l, kv_dim * d), kv_dim, h);
    std::vector<double> v = project(slice(wv_, l, kv_dim * d), kv_dim, h);
    rope(q, position_);
    rope(k, position_);
    keys_[l].push_back(k);
    values_[l].push_back(v);

    std::vector<double> attended(d);
    for (int head = 0; head < heads_; ++head) {
      const int kv_head = head / (heads_ / kv_heads_);
      std::vector<double> scores(position_ + 1);
      double max = -1e300;
      for (int p = 0; p <= position_; ++p) {
        double dot = 0;
        for (int i = 0; i < head_dim; ++i)
          dot += q[head * head_dim + i] * keys_[l][p][kv_head * head_dim + i];
        scores[p] = dot / std::sqrt(static_cast<double>(head_dim));
        max = std::max(max, scores[p]);
      }
      double sum = 0;
      for (double& s : scores)
        sum += (s = std::exp(s - max));
      for (int p = 0; p <= position_; ++p)
        for (int i = 0; i < head_dim; ++i)
          attended[head * head_dim + i] += scores[p] / sum * values_[l][p][kv_head * head_dim + i];
    }
    const std::vector<double> out = project(slice(wo_, l, d * d), dim_, attended);
    for (std::size_t i = 0; i < d; ++i)
      x[i] += out[i];

    h = rms_norm(x, rms_ffn_.data() + l * d);
    std::vector<double> gate = project(slice(w1_, l, hidden_ * d), hidden_, h);
    const std::vector<double> up = project(slice(w3_, l, hidden_ * d), hidden_, h);
    for (int i = 0; i < hidden_; ++i)
      gate[i] = gate[i] / (1 + std::exp(-gate[i])) * up[i];
    const std::vector<double> down = project(slice(w2_, l, d * hidden_), dim_, gate);
    for (std::size_t i = 0; i < d; ++i)
      x[i] += down[i];
  }
  ++position_;
  return project(wcls_.data(), vocab_, rms_norm(x, rms_final_.data()));
}

}  // namespace sbench::server::testing
