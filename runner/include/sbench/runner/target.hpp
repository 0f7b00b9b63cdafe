#pragma once

#include <chrono>
#include <optional>
#include <string>

// The server a sweep or a batch job sends its requests to.
namespace sbench::runner {

struct TargetOptions {
  std::string url = "http://127.0.0.1:8080";
  // Which server it is, for its memory gauges: reference (sbench-server),
  // llamacpp, openai (vLLM, SGLang and other OpenAI-compatible servers) or
  // ollama. Ollama is also spoken to in its own API (/api/chat).
  std::string backend = "openai";
  bool completions_api = false;  // /v1/completions instead of /v1/chat/completions
  std::string model;             // the "model" field; empty: the server's only model
  std::string api_key_env;       // a Bearer key from this environment variable
  std::chrono::milliseconds request_timeout{300'000};
  // The server's process, for its resident memory; unset: found from the
  // port when the server listens on this machine.
  std::optional<int> server_pid;
};

}  // namespace sbench::runner
