#include "providers/command_provider.hpp"

#include <boost/process/search_path.hpp>
#include <fstream>
#include <sstream>

#include "cache/sha256.hpp"
#include "config/runner_config.hpp"
#include "providers/command_pool.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {
namespace {

std::filesystem::path resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return program;
  return boost::process::search_path(program).string();
}

std::optional<std::int64_t> usage_count(const nlohmann::json& body, const char* field) {
  if (!body.contains("usage") || !body["usage"].is_object())
    return std::nullopt;
  const nlohmann::json& usage = body["usage"];
  if (!usage.contains(field) || !usage[field].is_number_integer())
    return std::nullopt;
  return usage[field].get<std::int64_t>();
}

std::optional<std::string> file_bytes(const std::filesystem::path& path) {
  std::error_code error;
  if (path.empty() || !std::filesystem::is_regular_file(path, error))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in)
    return std::nullopt;
  return bytes.str();
}

FailureClass classify(CommandFailure failure) {
  switch (failure) {
    case CommandFailure::none:
      return FailureClass::none;
    case CommandFailure::timeout:
      return FailureClass::timeout;
    case CommandFailure::worker_died:
      return FailureClass::transport;
    case CommandFailure::bad_reply:
      return FailureClass::bad_response;
    case CommandFailure::worker_error:
      return FailureClass::server_error;
    case CommandFailure::start_failed:
      return FailureClass::transport;  // may be passing (EAGAIN): the pool tries again
    case CommandFailure::gave_up:
      return FailureClass::fatal;
  }
  return FailureClass::transport;
}

class CommandProvider : public Provider {
 public:
  explicit CommandProvider(const ProviderConfig& config)
      : config_(config),
        pool_(CommandPoolOptions{
            .argv = config.command, .workers = config.workers, .working_directory = {}}) {}

  // The bytes of the program and of every argument that names a file (the
  // script `python3 worker.py` runs), and the arguments: a new build of the
  // worker is a new model as far as the cache is concerned.
  nlohmann::json identity(const ModelConfig&) override {
    const std::filesystem::path program = resolve_program(config_.command.front());
    std::optional<std::string> program_bytes = file_bytes(program);
    if (program.empty() || !program_bytes) {
      throw ProviderError("provider " + config_.name + ": cannot find the program " +
                          config_.command.front());
    }
    nlohmann::json files = {{config_.command.front(), sha256_hex(*program_bytes)}};
    for (std::size_t i = 1; i < config_.command.size(); ++i) {
      if (std::optional<std::string> bytes = file_bytes(config_.command[i]))
        files[config_.command[i]] = sha256_hex(*bytes);
    }
    return {{"argv", config_.command}, {"file_sha256", files}};
  }

  void start(const Scenario& scenario, const ModelConfig& model, Completion done) override {
    nlohmann::json messages = nlohmann::json::array();
    for (const ChatMessage& message : scenario.messages)
      messages.push_back({{"role", message.role}, {"content", message.content}});
    nlohmann::json request = {{"model", model.model},
                              {"messages", std::move(messages)},
                              {"max_tokens", scenario.max_tokens},
                              {"parameters", merged_parameters(scenario, model)}};
    const auto sent = std::chrono::steady_clock::now();
    pool_.submit(
        std::move(request), scenario.timeout, [sent, done = std::move(done)](CommandReply answer) {
          ProviderReply reply;
          reply.latency_ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
                  .count();
          reply.failure = classify(answer.failure);
          if (!answer.ok()) {
            reply.error_kind = std::string(to_string(answer.failure));
            reply.message = answer.message;
          } else if (!answer.body.contains("text") || !answer.body["text"].is_string()) {
            reply.failure = FailureClass::bad_response;
            reply.error_kind = "bad_response";
            reply.message = "the worker's reply has no \"text\" string";
          } else {
            reply.text = answer.body["text"].get<std::string>();
            reply.prompt_tokens = usage_count(answer.body, "prompt_tokens");
            reply.completion_tokens = usage_count(answer.body, "completion_tokens");
          }
          done(std::move(reply));
        });
  }

 private:
  const ProviderConfig& config_;
  CommandPool pool_;
};

}  // namespace

std::unique_ptr<Provider> make_command_provider(const ProviderConfig& config) {
  return std::make_unique<CommandProvider>(config);
}

}  // namespace sbench::runner
