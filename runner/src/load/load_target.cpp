#include "load/load_target.hpp"

#include <cstdlib>

#include "config/toml_json.hpp"
#include "sbench/http/client.hpp"

namespace sbench::runner {
namespace {

LoadApi api_for(const TargetOptions& options) {
  if (options.backend == "ollama") {
    if (options.completions_api)
      throw InputError("--completions: Ollama is driven through its own /api/chat");
    return LoadApi::ollama_chat;
  }
  if (options.backend != "reference" && options.backend != "llamacpp" &&
      options.backend != "openai") {
    throw InputError("--backend: expected reference, llamacpp, openai or ollama, got " +
                     options.backend);
  }
  return options.completions_api ? LoadApi::completions : LoadApi::chat;
}

std::optional<std::int64_t> integer_field(const nlohmann::json& object, const char* name) {
  if (object.is_object() && object.contains(name) && object[name].is_number_integer())
    return object[name].get<std::int64_t>();
  return std::nullopt;
}

// The text a streamed OpenAI chunk carries: a chat delta or a completion's text.
bool carries_text(const nlohmann::json& chunk) {
  if (!chunk.contains("choices") || !chunk["choices"].is_array())
    return false;
  for (const nlohmann::json& choice : chunk["choices"]) {
    if (!choice.is_object())
      continue;
    if (choice.contains("text") && choice["text"].is_string() &&
        !choice["text"].get_ref<const std::string&>().empty())
      return true;
    if (choice.contains("delta") && choice["delta"].is_object()) {
      const nlohmann::json& delta = choice["delta"];
      for (const char* field : {"content", "reasoning_content"}) {
        if (delta.contains(field) && delta[field].is_string() &&
            !delta[field].get_ref<const std::string&>().empty())
          return true;
      }
    }
  }
  return false;
}

// One piece of a stream as JSON; a piece that is not an object, or that
// carries an error (a server failing mid-answer), fails the request.
nlohmann::json read_chunk(std::string_view text, RequestRecord& record) {
  nlohmann::json chunk = nlohmann::json::parse(text, nullptr, false);
  if (!chunk.is_object())
    record.error_kind = "bad_response";
  else if (chunk.contains("error"))
    record.error_kind = "stream_error";
  return chunk;
}

}  // namespace

LoadTarget::LoadTarget(const TargetOptions& options)
    : options_(options),
      url_(parse_base_url(options.url, "--url")),
      api_(api_for(options)),
      model_(options.model) {
  if (!options.api_key_env.empty()) {
    const char* key = std::getenv(options.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      throw InputError("--api-key-env: the environment variable " + options.api_key_env +
                       " is not set");
    authorization_ = std::string("Bearer ") + key;
  }
}

std::string LoadTarget::generation_path() const {
  switch (api_) {
    case LoadApi::ollama_chat:
      return url_.prefix + "/api/chat";
    case LoadApi::completions:
      return url_.prefix + "/v1/completions";
    case LoadApi::chat:
      break;
  }
  return url_.prefix + "/v1/chat/completions";
}

void LoadTarget::connect(http::Client& client) {
  const bool ollama = api_ == LoadApi::ollama_chat;
  http::Request request = http::get(url_.prefix + (ollama ? "/api/tags" : "/v1/models"));
  request.expect = http::Expect::json;
  request.timeouts.total = std::chrono::seconds(10);
  if (!authorization_.empty())
    request.headers.push_back({"Authorization", authorization_});
  const std::string asked = options_.url + request.target;
  const http::Response response = client.send(url_.endpoint, std::move(request));
  if (!response.ok()) {
    throw std::runtime_error("cannot reach the server: GET " + asked + ": " +
                             std::string(http::to_string(response.error.kind)) + " " +
                             response.error.message);
  }
  if (!model_.empty())
    return;
  const nlohmann::json listing = nlohmann::json::parse(response.body, nullptr, false);
  const char* list_field = ollama ? "models" : "data";
  const char* name_field = ollama ? "name" : "id";
  std::vector<std::string> names;
  if (listing.is_object() && listing.contains(list_field) && listing[list_field].is_array()) {
    for (const nlohmann::json& entry : listing[list_field]) {
      if (entry.is_object() && entry.contains(name_field) && entry[name_field].is_string())
        names.push_back(entry[name_field].get<std::string>());
    }
  }
  if (names.size() != 1) {
    std::string listed;
    for (const std::string& name : names)
      listed += (listed.empty() ? "" : ", ") + name;
    throw InputError("--model: the server at " + options_.url + " lists " +
                     std::to_string(names.size()) + " models" +
                     (listed.empty() ? "" : " (" + listed + ")") + "; name one");
  }
  model_ = names.front();
}

PreparedRequest LoadTarget::prepare(const nlohmann::json& body,
                                    LoadClock::time_point scheduled_send) const {
  PreparedRequest prepared;
  if (api_ == LoadApi::ollama_chat) {
    prepared.request = http::post_json(generation_path(), body.dump());
    prepared.pieces = std::make_shared<std::vector<BodyPiece>>();
    prepared.request.on_body_bytes = [pieces = prepared.pieces, length = std::size_t{0}](
                                         std::string_view bytes,
                                         LoadClock::time_point arrived) mutable {
      length += bytes.size();
      pieces->push_back({length, arrived});
    };
  } else {
    prepared.request = http::post_json_stream(generation_path(), body.dump());
  }
  prepared.request.scheduled_send = scheduled_send;
  prepared.request.timeouts.total = options_.request_timeout;
  prepared.request.timeouts.idle =
      std::min(prepared.request.timeouts.idle, options_.request_timeout);
  if (!authorization_.empty())
    prepared.request.headers.push_back({"Authorization", authorization_});
  return prepared;
}

RequestRecord LoadTarget::read(const http::Response& response,
                               const PreparedRequest& request) const {
  RequestRecord record;
  record.scheduled = response.timing.scheduled;
  record.sent = response.timing.sent;
  record.done = response.timing.done;
  if (!response.ok()) {
    record.error_kind = http::to_string(response.error.kind);
    return record;
  }
  if (api_ == LoadApi::ollama_chat)
    read_ollama_stream(response, *request.pieces, record);
  else
    read_openai_stream(response, record);
  if (record.ok() && record.completion_tokens == 0)
    record.completion_tokens = static_cast<std::int64_t>(record.token_times.size());
  return record;
}

void LoadTarget::read_openai_stream(const http::Response& response, RequestRecord& record) const {
  for (const http::SseEvent& event : response.events) {
    if (http::is_done_marker(event))
      break;
    const nlohmann::json chunk = read_chunk(event.data, record);
    if (!record.ok())
      return;
    if (carries_text(chunk))
      record.token_times.push_back(event.arrived);
    if (chunk.contains("usage") && chunk["usage"].is_object()) {
      const nlohmann::json& usage = chunk["usage"];
      record.prompt_tokens = integer_field(usage, "prompt_tokens").value_or(record.prompt_tokens);
      record.completion_tokens =
          integer_field(usage, "completion_tokens").value_or(record.completion_tokens);
    }
  }
}

void LoadTarget::read_ollama_stream(const http::Response& response,
                                    const std::vector<BodyPiece>& pieces,
                                    RequestRecord& record) const {
  std::size_t line_start = 0;
  std::size_t piece = 0;
  bool finished = false;
  while (line_start < response.body.size()) {
    std::size_t line_end = response.body.find('\n', line_start);
    if (line_end == std::string::npos)
      line_end = response.body.size();
    const std::string_view line(response.body.data() + line_start, line_end - line_start);
    while (piece + 1 < pieces.size() && pieces[piece].end < line_end)
      ++piece;
    const LoadClock::time_point arrived =
        pieces.empty() ? response.timing.done : pieces[piece].arrived;
    line_start = line_end + 1;
    if (line.find_first_not_of(" \r\t") == std::string_view::npos)
      continue;
    const nlohmann::json chunk = read_chunk(line, record);
    if (!record.ok())
      return;
    if (chunk.contains("message") && chunk["message"].is_object() &&
        chunk["message"].contains("content") && chunk["message"]["content"].is_string() &&
        !chunk["message"]["content"].get_ref<const std::string&>().empty())
      record.token_times.push_back(arrived);
    if (chunk.contains("done") && chunk["done"].is_boolean() && chunk["done"].get<bool>()) {
      record.prompt_tokens = integer_field(chunk, "prompt_eval_count").value_or(0);
      record.completion_tokens = integer_field(chunk, "eval_count").value_or(0);
      finished = true;
    }
  }
  if (!finished)
    record.error_kind = "truncated";
}

}  // namespace sbench::runner
