// sbench-server: the reference semantic-caching LLM server (docs/SERVER_API.md).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "sbench/server/engine.hpp"
#include "sbench/server/http_server.hpp"

namespace {

struct Settings {
  sbench::server::EngineOptions engine;
  sbench::server::HttpServerOptions http;
};

// A duration given in (fractional) seconds, up to a day.
void add_seconds_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                        const std::string& help) {
  const std::string default_seconds = std::to_string(target.count() / 1000);
  app.add_option_function<double>(
         name, [&target](double s) { target = std::chrono::milliseconds(std::int64_t(s * 1000)); },
         help + " (default " + default_seconds + ")")
      ->check(CLI::Range(0.001, 86400.0));
}

void add_flags(CLI::App& app, Settings& settings, std::string& model_file) {
  auto& engine = settings.engine;
  auto& http = settings.http;
  http.stop_on_signals = true;
  app.add_option("--host", http.host, "Address to bind (loopback unless you mean it)")
      ->capture_default_str();
  app.add_option("--port", http.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  app.add_option("--model", engine.preset, "Model preset: tiny or small")->capture_default_str();
  app.add_option("--model-file", model_file, "llama2.c checkpoint (.bin); overrides --model")
      ->check(CLI::ExistingFile);
  app.add_option("--seed", engine.seed, "Seed of the preset's generated weights")
      ->capture_default_str();
  app.add_option("--cache-dir", engine.cache_dir, "Directory of saved agent caches (<id>.kv)")
      ->capture_default_str();
  app.add_option("--threads", engine.threads, "Compute threads; 0 = one per hardware thread")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--io-threads", http.io_threads, "Threads serving HTTP connections")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--kv-dtype",
         [&engine](const std::string& name) {
           engine.kv_dtype = *sbench::server::parse_kv_dtype(name);
         },
         "Element type of the KV cache: f16 (half the memory) or f32 (default f16)")
      ->check(CLI::IsMember({"f16", "f32"}));
  app.add_option("--block-size", engine.block_size, "Tokens per KV cache block")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option_function<std::size_t>(
         "--kv-memory-mb", [&engine](std::size_t mb) { engine.kv_memory_bytes = mb << 20; },
         "KV cache pool size in MiB (default 2048)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  app.add_option("--max-agents", engine.max_agents, "Most agents held at once")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_option("--max-context", engine.max_context_tokens,
                 "Most tokens one agent may hold; 0 = the model's limit")
      ->check(CLI::Range(0, 1 << 24))
      ->capture_default_str();
  app.add_option("--max-tokens", engine.max_new_tokens, "Most tokens one request may generate")
      ->check(CLI::Range(1, 1 << 24))
      ->capture_default_str();
  app.add_option("--prefill-chunk", engine.prefill_chunk,
                 "Prompt tokens per sequence per scheduler step")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_option("--max-batch", engine.max_batch,
                 "Sequences decoded together at most; 0 = no limit, 1 = one request at a time")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--kv-wait-timeout-ms", engine.kv_wait_timeout_ms,
                 "Milliseconds a request may wait for a free KV block before a 429; 0 = none")
      ->check(CLI::Range(0, 3'600'000))
      ->capture_default_str();
  app.add_option("--kv-wait-queue", engine.kv_wait_queue,
                 "Requests that may wait for a KV block at once; more get a 429 at once")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--max-body-bytes", http.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  app.add_option("--max-header-bytes", http.max_header_bytes, "Largest request header accepted")
      ->check(CLI::Range(std::size_t{256}, std::size_t{1} << 24))
      ->capture_default_str();
  app.add_option("--max-connections", http.max_connections,
                 "Connections served at once; more get a 429")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  add_seconds_option(app, "--header-timeout", http.header_timeout,
                     "Seconds from a request's first byte to the end of its headers");
  add_seconds_option(app, "--request-timeout", http.request_timeout,
                     "Seconds from a request's first byte to the end of its body");
  add_seconds_option(app, "--idle-timeout", http.idle_timeout,
                     "Seconds an idle keep-alive connection stays open");
  app.add_flag_callback(
      "--no-fsync", [&engine] { engine.fsync_saves = false; },
      "Skip fsync when saving caches (faster, not crash-safe)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sbench-server: reference semantic-caching LLM server"};
  Settings settings;
  std::string model_file;
  add_flags(app, settings, model_file);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help exits 0; any other parse error is bad input: exit 2.
    return app.exit(error) == 0 ? 0 : 2;
  }
  if (!model_file.empty())
    settings.engine.model_file = model_file;

  std::unique_ptr<sbench::server::Engine> engine;
  try {
    engine = std::make_unique<sbench::server::Engine>(settings.engine);
  } catch (const std::exception& error) {
    std::cerr << "sbench-server: cannot load the model: " << error.what() << '\n';
    return 1;
  }
  try {
    sbench::server::HttpServer server(*engine, settings.http);
    // Exactly one line on stdout: fixtures read the port from it.
    std::cout << "sbench-server listening on http://" << settings.http.host << ':' << server.port()
              << std::endl;
    server.run();
  } catch (const std::exception& error) {
    std::cerr << "sbench-server: " << error.what() << '\n';
    engine->shutdown();
    return 1;
  }
  engine->shutdown();
  return 0;
}
