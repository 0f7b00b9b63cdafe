#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "load/request_record.hpp"
#include "providers/base_url.hpp"
#include "sbench/http/request.hpp"
#include "sbench/http/response.hpp"
#include "sbench/runner/target.hpp"

namespace sbench::http {
class Client;
}

namespace sbench::runner {

enum class LoadApi { chat, completions, ollama_chat };

// When each piece of a streamed NDJSON body arrived: `end` is the body's
// length once the piece was in, so a line's arrival is that of the first
// piece reaching its end.
struct BodyPiece {
  std::size_t end = 0;
  LoadClock::time_point arrived{};
};

struct PreparedRequest {
  http::Request request;
  std::shared_ptr<std::vector<BodyPiece>> pieces;  // set for NDJSON streams
};

// The server a sweep or batch job loads: where it is, which API dialect its
// answers stream in, and how a streamed answer becomes a RequestRecord
// (token arrivals, usage, error kind).
class LoadTarget {
 public:
  // Throws InputError for a bad URL or backend.
  explicit LoadTarget(const TargetOptions& options);

  // Asks the server what it serves (GET /v1/models, or /api/tags for
  // Ollama) and settles the model name when none was given. Throws
  // std::runtime_error saying what failed when the server cannot be reached.
  void connect(http::Client& client);

  LoadApi api() const { return api_; }
  const std::string& model() const { return model_; }
  const http::Endpoint& endpoint() const { return url_.endpoint; }
  const TargetOptions& options() const { return options_; }
  // The path a generation goes to, e.g. /v1/chat/completions.
  std::string generation_path() const;

  // A streamed request for `body`, which must already be in this API's shape.
  PreparedRequest prepare(const nlohmann::json& body,
                          LoadClock::time_point scheduled_send = {}) const;
  RequestRecord read(const http::Response& response, const PreparedRequest& request) const;

 private:
  void read_openai_stream(const http::Response& response, RequestRecord& record) const;
  void read_ollama_stream(const http::Response& response, const std::vector<BodyPiece>& pieces,
                          RequestRecord& record) const;

  TargetOptions options_;
  BaseUrl url_;
  LoadApi api_ = LoadApi::chat;
  std::string model_;
  std::string authorization_;
};

}  // namespace sbench::runner
