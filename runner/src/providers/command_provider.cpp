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
      return FailureClass::fatal;
  }
  return FailureClass::transport;
}

class CommandProvider : public Provider {
 public:
  explicit CommandProvider(const ProviderConfig& config)
      : config_(config),
        pool_(CommandPoolOptions{
            .argv = config.command,
            .workers = config.workers > 0 ? config.workers
                                          : std::max<std::size_t>(1, config.limits.max_concurrency),
            .working_directory = {}}) {}

  // The program's bytes and its arguments: a new build of the worker is a
  // new model as far as the cache is concerned.
  nlohmann::json identity(const ModelConfig&) override {
    const std::filesystem::path program = resolve_program(config_.command.front());
    std::ifstream in(program, std::ios::binary);
    if (program.empty() || !in) {
      throw ProviderError("provider " + config_.name + ": cannot find the program " +
                          config_.command.front());
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return {{"argv", config_.command}, {"program_sha256", sha256_hex(bytes.str())}};
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
