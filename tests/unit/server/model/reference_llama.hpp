#pragma once

#include <filesystem>
#include <vector>

namespace sbench::server::testing {

// An independent, deliberately naive Llama forward pass in double precision:
// it reads a llama2.c file with plain stream reads, keeps a contiguous KV
// cache and processes one token at a time, so it shares no code with the
// model under test (no packing, no paging, no batching, no vector kernels).
class ReferenceLlama {
 public:
  explicit ReferenceLlama(const std::filesystem::path& llama2c_file);

  // Appends `token` at the next position and returns the logits after it.
  std::vector<double> step(int token);

 private:
  using Matrix = std::vector<float>;  // row-major [rows][cols]

  std::vector<double> project(const float* w, int rows, const std::vector<double>& x) const;
  std::vector<double> rms_norm(const std::vector<double>& x, const float* gain) const;
  void rope(std::vector<double>& v, int position) const;

  int dim_, hidden_, layers_, heads_, kv_heads_, vocab_;
  bool shared_;
  Matrix embedding_, rms_att_, wq_, wk_, wv_, wo_, rms_ffn_, w1_, w2_, w3_, rms_final_, wcls_;
  std::vector<std::vector<std::vector<double>>> keys_, values_;  // [layer][position][kv_dim]
  int position_ = 0;
};

}  // namespace sbench::server::testing
