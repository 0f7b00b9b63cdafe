#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace sbench::http {
class Client;
}

namespace sbench::runner {

struct Scenario;
struct ModelConfig;
struct ProviderConfig;

// How a request failed, as far as retrying is concerned.
enum class FailureClass {
  none,
  throttled,     // 429 or 503: wait, slow down, try again
  fatal,         // the provider cannot serve anything now: quota exhausted, command missing
  timeout,       // retried with back-off
  transport,     // refused, reset, closed early: retried with back-off
  server_error,  // 5xx: retried with back-off
  bad_response,  // an answer we cannot read: retried with back-off
  client_error,  // 4xx: the request itself is wrong; never retried
};

// What the provider says about its limits (OpenAI's x-ratelimit-* headers).
struct RateLimitHeaders {
  std::optional<double> limit_requests;
  std::optional<double> remaining_requests;
  std::optional<std::chrono::milliseconds> reset_requests;
  std::optional<double> limit_tokens;
  std::optional<double> remaining_tokens;
  std::optional<std::chrono::milliseconds> reset_tokens;
};

struct ProviderReply {
  FailureClass failure = FailureClass::none;
  std::string error_kind;  // for "errors by kind": rate_limited, idle_timeout, worker_died, ...
  int http_status = 0;
  std::string message;
  std::string text;
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> completion_tokens;
  double latency_ms = 0;
  std::optional<std::chrono::milliseconds> retry_after;
  RateLimitHeaders limits;

  bool ok() const { return failure == FailureClass::none; }
};

class ProviderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One provider of the runner file: how a scenario becomes a request, how the
// answer is read, and what identifies the model behind it.
class Provider {
 public:
  using Completion = std::function<void(ProviderReply)>;
  virtual ~Provider() = default;

  // What the server says the model is, without what changes on every start
  // (creation times). Throws ProviderError when it cannot be asked.
  virtual nlohmann::json identity(const ModelConfig& model) = 0;
  // Sends one run; `done` runs once, on another thread, and must not block.
  virtual void start(const Scenario& scenario, const ModelConfig& model, Completion done) = 0;
};

std::unique_ptr<Provider> make_provider(const ProviderConfig& config, http::Client& client);

// The request body a chat or Ollama request gets: the model's parameters,
// then the scenario's (a scenario's sampling settings win).
nlohmann::json merged_parameters(const Scenario& scenario, const ModelConfig& model);

// "1s", "6m0s", "20ms", "1.5s", "2h3m" (OpenAI's reset durations).
std::optional<std::chrono::milliseconds> parse_reset_duration(std::string_view text);

}  // namespace sbench::runner
