// The HTTP providers: OpenAI-compatible chat and completions (openai,
// llamacpp, reference) and Ollama's /api/chat, all on the framework's client.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "cache/sha256.hpp"
#include "config/runner_config.hpp"
#include "providers/base_url.hpp"
#include "providers/command_provider.hpp"
#include "providers/provider.hpp"
#include "sbench/http/client.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {
namespace {

std::optional<double> header_number(const http::Response& response, std::string_view name) {
  const std::string* value = response.header(name);
  if (value == nullptr)
    return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(value->c_str(), &end);
  if (end == value->c_str())
    return std::nullopt;
  return number;
}

RateLimitHeaders read_limit_headers(const http::Response& response) {
  RateLimitHeaders limits;
  limits.limit_requests = header_number(response, "x-ratelimit-limit-requests");
  limits.remaining_requests = header_number(response, "x-ratelimit-remaining-requests");
  limits.limit_tokens = header_number(response, "x-ratelimit-limit-tokens");
  limits.remaining_tokens = header_number(response, "x-ratelimit-remaining-tokens");
  if (const std::string* reset = response.header("x-ratelimit-reset-requests"))
    limits.reset_requests = parse_reset_duration(*reset);
  if (const std::string* reset = response.header("x-ratelimit-reset-tokens"))
    limits.reset_tokens = parse_reset_duration(*reset);
  return limits;
}

std::string error_message(const http::Response& response) {
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error")) {
    const nlohmann::json& error = body["error"];
    if (error.is_object() && error.contains("message") && error["message"].is_string())
      return error["message"].get<std::string>();
    if (error.is_string())
      return error.get<std::string>();
  }
  return response.error.message;
}

bool says_quota_exhausted(const http::Response& response) {
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
    return false;
  const nlohmann::json& error = body["error"];
  return error.contains("code") && error["code"].is_string() &&
         error["code"] == "insufficient_quota";
}

FailureClass classify(const http::Response& response) {
  switch (response.error.kind) {
    case http::ErrorKind::none:
      return FailureClass::none;
    case http::ErrorKind::rate_limited:
      return says_quota_exhausted(response) ? FailureClass::fatal : FailureClass::throttled;
    case http::ErrorKind::unavailable:
      return FailureClass::throttled;
    case http::ErrorKind::http_status:
      return response.status >= 500 || response.status == 408 ? FailureClass::server_error
                                                              : FailureClass::client_error;
    case http::ErrorKind::connect_timeout:
    case http::ErrorKind::idle_timeout:
    case http::ErrorKind::total_timeout:
      return FailureClass::timeout;
    case http::ErrorKind::wrong_content_type:
    case http::ErrorKind::invalid_json:
      return FailureClass::bad_response;
    default:
      return FailureClass::transport;
  }
}

std::string prompt_text(const Scenario& scenario) {
  std::string text;
  for (const ChatMessage& message : scenario.messages)
    text += (text.empty() ? "" : "\n\n") + message.content;
  return text;
}

nlohmann::json chat_messages(const Scenario& scenario) {
  nlohmann::json messages = nlohmann::json::array();
  for (const ChatMessage& message : scenario.messages)
    messages.push_back({{"role", message.role}, {"content", message.content}});
  return messages;
}

// Ollama takes these at the top level; every other parameter is an option.
bool is_ollama_top_level(const std::string& name) {
  return name == "format" || name == "keep_alive" || name == "think" || name == "tools";
}

class HttpProvider : public Provider {
 public:
  HttpProvider(const ProviderConfig& config, http::Client& client)
      : config_(config),
        client_(client),
        url_(parse_base_url(config.base_url, "provider " + config.name)) {
    if (!config.api_key_env.empty()) {
      const char* key = std::getenv(config.api_key_env.c_str());
      if (key == nullptr || *key == '\0') {
        // Not an error until something is sent: --dry-run sends nothing.
        missing_key_ = "provider " + config.name + ": the environment variable " +
                       config.api_key_env + " (api_key_env) is not set";
      } else {
        authorization_ = std::string("Bearer ") + key;
      }
    }
  }

  // Every run of the model starts with this, so a missing key fails the
  // model's runs with its message before anything is sent.
  nlohmann::json identity(const ModelConfig& model) override {
    if (!missing_key_.empty())
      throw ProviderError(missing_key_);
    if (config_.kind == ProviderKind::ollama)
      return ollama_identity(model);
    nlohmann::json identity = listed_model(model);
    if (config_.kind == ProviderKind::llamacpp) {
      const nlohmann::json props = get_json("/props");
      for (const char* field : {"model_path", "build_info"}) {
        if (props.contains(field))
          identity[field] = props[field];
      }
      if (props.contains("default_generation_settings") &&
          props["default_generation_settings"].contains("n_ctx")) {
        identity["n_ctx"] = props["default_generation_settings"]["n_ctx"];
      }
    }
    return identity;
  }

  void start(const Scenario& scenario, const ModelConfig& model, Completion done) override {
    http::Request request = http::post_json(url_.prefix + target(), body(scenario, model).dump());
    request.expect = http::Expect::json;
    request.timeouts.total = scenario.timeout;
    request.timeouts.idle = scenario.timeout;
    request.timeouts.connect = std::min(request.timeouts.connect, scenario.timeout);
    if (!authorization_.empty())
      request.headers.push_back({"Authorization", authorization_});
    const auto sent = std::chrono::steady_clock::now();
    client_.submit(url_.endpoint, std::move(request),
                   [this, sent, done = std::move(done)](http::Response response) {
                     done(read_reply(response, sent));
                   });
  }

 private:
  std::string target() const {
    if (config_.kind == ProviderKind::ollama)
      return "/api/chat";
    return config_.completions_api ? "/v1/completions" : "/v1/chat/completions";
  }

  nlohmann::json body(const Scenario& scenario, const ModelConfig& model) const {
    const nlohmann::json parameters = merged_parameters(scenario, model);
    if (config_.kind == ProviderKind::ollama) {
      nlohmann::json body = {{"model", model.model},
                             {"messages", chat_messages(scenario)},
                             {"stream", false},
                             {"options", {{"num_predict", scenario.max_tokens}}}};
      for (const auto& [name, value] : parameters.items())
        (is_ollama_top_level(name) ? body[name] : body["options"][name]) = value;
      return body;
    }
    nlohmann::json body = parameters;
    body["model"] = model.model;
    body["max_tokens"] = scenario.max_tokens;
    body["stream"] = false;
    if (config_.completions_api)
      body["prompt"] = prompt_text(scenario);
    else
      body["messages"] = chat_messages(scenario);
    return body;
  }

  ProviderReply read_reply(const http::Response& response,
                           std::chrono::steady_clock::time_point sent) const {
    ProviderReply reply;
    reply.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
    reply.http_status = response.status;
    reply.limits = read_limit_headers(response);
    reply.retry_after = response.retry_after;
    if (const auto ms = header_number(response, "retry-after-ms"))
      reply.retry_after = std::chrono::milliseconds(static_cast<long long>(std::ceil(*ms)));
    reply.failure = classify(response);
    if (!response.ok()) {
      reply.error_kind = reply.failure == FailureClass::fatal
                             ? "quota_exhausted"
                             : std::string(http::to_string(response.error.kind));
      reply.message = error_message(response);
      return reply;
    }
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (!read_answer(body, reply)) {
      reply.failure = FailureClass::bad_response;
      reply.error_kind = "bad_response";
      reply.message = "the answer has no text where " + std::string(to_string(config_.kind)) +
                      " puts it: " + response.body.substr(0, 200);  // reports replace cut UTF-8
    }
    return reply;
  }

  bool read_answer(const nlohmann::json& body, ProviderReply& reply) const {
    if (!body.is_object())
      return false;
    if (config_.kind == ProviderKind::ollama) {
      if (!body.contains("message") || !body["message"].is_object() ||
          !body["message"].contains("content") || !body["message"]["content"].is_string()) {
        return false;
      }
      reply.text = body["message"]["content"].get<std::string>();
      if (body.contains("prompt_eval_count") && body["prompt_eval_count"].is_number_integer())
        reply.prompt_tokens = body["prompt_eval_count"].get<std::int64_t>();
      if (body.contains("eval_count") && body["eval_count"].is_number_integer())
        reply.completion_tokens = body["eval_count"].get<std::int64_t>();
      return true;
    }
    if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty() ||
        !body["choices"][0].is_object()) {
      return false;
    }
    const nlohmann::json& choice = body["choices"][0];
    const nlohmann::json* text = nullptr;
    if (config_.completions_api && choice.contains("text"))
      text = &choice["text"];
    else if (choice.contains("message") && choice["message"].is_object() &&
             choice["message"].contains("content"))
      text = &choice["message"]["content"];
    if (text == nullptr || !text->is_string())
      return false;
    reply.text = text->get<std::string>();
    if (body.contains("usage") && body["usage"].is_object()) {
      const nlohmann::json& usage = body["usage"];
      if (usage.contains("prompt_tokens") && usage["prompt_tokens"].is_number_integer())
        reply.prompt_tokens = usage["prompt_tokens"].get<std::int64_t>();
      if (usage.contains("completion_tokens") && usage["completion_tokens"].is_number_integer())
        reply.completion_tokens = usage["completion_tokens"].get<std::int64_t>();
    }
    return true;
  }

  nlohmann::json get_json(const std::string& target) {
    http::Request request = http::get(url_.prefix + target);
    return send_for_json(std::move(request));
  }

  nlohmann::json send_for_json(http::Request request) {
    request.expect = http::Expect::json;
    request.timeouts.total = std::chrono::seconds(10);
    if (!authorization_.empty())
      request.headers.push_back({"Authorization", authorization_});
    const std::string target = request.target;
    const http::Response response = client_.send(url_.endpoint, std::move(request));
    if (!response.ok()) {
      throw ProviderError("provider " + config_.name + ": " + config_.base_url + target + ": " +
                          std::string(http::to_string(response.error.kind)) + " " +
                          error_message(response));
    }
    return nlohmann::json::parse(response.body);
  }

  nlohmann::json listed_model(const ModelConfig& model) {
    const nlohmann::json listing = get_json("/v1/models");
    if (!listing.contains("data") || !listing["data"].is_array())
      throw ProviderError("provider " + config_.name + ": /v1/models has no data array");
    std::string names;
    for (const nlohmann::json& entry : listing["data"]) {
      const std::string id = entry.value("id", "");
      names += (names.empty() ? "" : ", ") + id;
      if (id == model.model ||
          (config_.kind != ProviderKind::openai && listing["data"].size() == 1))
        return without_volatile_fields(entry);
    }
    throw ProviderError("provider " + config_.name + ": model " + model.model +
                        " is not among the models the server lists (" + names + ")");
  }

  nlohmann::json ollama_identity(const ModelConfig& model) {
    http::Request request =
        http::post_json(url_.prefix + "/api/show", nlohmann::json{{"model", model.model}}.dump());
    const nlohmann::json shown = send_for_json(std::move(request));
    nlohmann::json identity = {{"details", shown.value("details", nlohmann::json::object())}};
    for (const char* field : {"modelfile", "template", "parameters"}) {
      if (shown.contains(field) && shown[field].is_string())
        identity[std::string(field) + "_sha256"] = sha256_hex(shown[field].get<std::string>());
    }
    return identity;
  }

  // A server restart changes "created" but not the model.
  static nlohmann::json without_volatile_fields(nlohmann::json entry) {
    entry.erase("created");
    entry.erase("object");
    return entry;
  }

  const ProviderConfig& config_;
  http::Client& client_;
  BaseUrl url_;
  std::string authorization_;
  std::string missing_key_;
};

}  // namespace

nlohmann::json merged_parameters(const Scenario& scenario, const ModelConfig& model) {
  nlohmann::json parameters = model.parameters;
  for (const auto& [name, value] : scenario.parameters.items())
    parameters[name] = value;
  return parameters;
}

std::optional<std::chrono::milliseconds> parse_reset_duration(std::string_view text) {
  double total_ms = 0;
  bool any = false;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = at;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
      ++end;
    if (end == at)
      return std::nullopt;
    const double number = std::strtod(std::string(text.substr(at, end - at)).c_str(), nullptr);
    std::size_t unit_end = end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    const std::string_view unit = text.substr(end, unit_end - end);
    if (unit == "ms")
      total_ms += number;
    else if (unit == "s" || unit.empty())
      total_ms += number * 1000;
    else if (unit == "m")
      total_ms += number * 60'000;
    else if (unit == "h")
      total_ms += number * 3'600'000;
    else
      return std::nullopt;
    any = true;
    at = unit_end;
  }
  if (!any)
    return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(total_ms)));
}

std::unique_ptr<Provider> make_provider(const ProviderConfig& config, http::Client& client) {
  if (config.kind == ProviderKind::command)
    return make_command_provider(config);
  return std::make_unique<HttpProvider>(config, client);
}

}  // namespace sbench::runner
