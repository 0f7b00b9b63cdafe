// Writes a llama2.c checkpoint with deterministic weights, so the server's
// --model-file path can be benchmarked on a real model shape (stories110M's)
// on a machine with no network and no model download.
#include <CLI/CLI.hpp>
#include <iostream>

#include "sbench/server/llama2c.hpp"

namespace {

// The shape of llama2.c's stories110M: what llama.cpp's own figures in
// docs/PERFORMANCE.md were measured on.
sbench::server::ModelConfig stories110m_shape() {
  sbench::server::ModelConfig config;
  config.name = "stories110m";
  config.dim = 768;
  config.hidden_dim = 2048;
  config.n_layers = 12;
  config.n_heads = 12;
  config.n_kv_heads = 12;
  config.vocab_size = 32000;
  config.max_seq_len = 1024;
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Write a llama2.c checkpoint (.bin) with deterministic weights"};
  std::string shape = "stories110m";
  std::string output;
  std::uint64_t seed = 0;
  app.add_option("--shape", shape, "stories110m, or a server preset (tiny, small)")
      ->capture_default_str();
  app.add_option("--seed", seed, "weight seed")->capture_default_str();
  app.add_option("output", output, "checkpoint file to write")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    const auto config =
        shape == "stories110m" ? stories110m_shape() : sbench::server::preset_config(shape);
    sbench::server::write_llama2c(output, config, seed);
    std::cout << "wrote " << output << " (" << config.parameter_count() << " parameters)\n";
  } catch (const std::exception& error) {
    std::cerr << "sbench-make-checkpoint: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
