#include "load_options.hpp"

namespace sbench::cli {

void LoadFlags::add_target(CLI::App& command, sbench::runner::TargetOptions& target,
                           bool with_url) {
  if (with_url)
    command.add_option("--url", target.url, "The server's base URL")->capture_default_str();
  command
      .add_option("--backend", target.backend,
                  "reference (sbench-server), llamacpp, openai (vLLM, SGLang, any "
                  "OpenAI-compatible server) or ollama: its API and memory gauges")
      ->check(CLI::IsMember({"reference", "llamacpp", "openai", "ollama"}))
      ->capture_default_str();
  command.add_flag("--completions", target.completions_api,
                   "Send /v1/completions (a prompt) instead of /v1/chat/completions");
  command.add_option("--model", target.model,
                     "The model field of each request (default: the server's only model)");
  command.add_option("--api-key-env", target.api_key_env,
                     "Send a Bearer key from this environment variable");
  command.add_option("--request-timeout", request_timeout_s, "Seconds one request may take")
      ->check(CLI::Range(0.1, 86'400.0))
      ->capture_default_str();
  command
      .add_option("--server-pid", server_pid,
                  "The server's pid, for its memory (default: found from the port)")
      ->check(CLI::PositiveNumber);
}

void LoadFlags::add_progress(CLI::App& command) {
  command.add_option("--progress", progress, "auto, bar, lines or quiet")
      ->check(CLI::IsMember({"auto", "bar", "lines", "quiet"}))
      ->capture_default_str();
  command
      .add_option("--progress-interval", progress_interval_s,
                  "Seconds between progress lines when not on a terminal")
      ->check(CLI::Range(0.1, 86'400.0))
      ->capture_default_str();
}

void LoadFlags::apply(sbench::runner::TargetOptions& target) const {
  target.request_timeout =
      std::chrono::milliseconds(static_cast<long long>(request_timeout_s * 1000));
  if (server_pid > 0)
    target.server_pid = server_pid;
}

sbench::runner::ProgressDisplay LoadFlags::display() const {
  return progress_display(progress);
}

std::chrono::milliseconds LoadFlags::interval() const {
  return std::chrono::milliseconds(static_cast<long long>(progress_interval_s * 1000));
}

sbench::runner::ProgressDisplay progress_display(const std::string& name) {
  using sbench::runner::ProgressDisplay;
  if (name == "bar")
    return ProgressDisplay::bar;
  if (name == "lines")
    return ProgressDisplay::lines;
  if (name == "quiet")
    return ProgressDisplay::quiet;
  return ProgressDisplay::automatic;
}

}  // namespace sbench::cli
