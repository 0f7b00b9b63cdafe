#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "generation_format.hpp"
#include "http_types.hpp"
#include "sbench/server/engine.hpp"
#include "stop_text.hpp"
#include "utf8_assembler.hpp"

namespace sbench::server::http {

// What a connection can send for a generation right now.
struct ReplyProgress {
  // The whole answer: a non-streamed result, or a failure before any event.
  std::optional<HttpResponse> response;
  std::string stream_data;  // SSE bytes to send
  bool stream_ended = false;
};

// Carries one generation from the engine's scheduler thread to the connection
// that answers it. The scheduler side only stores token ids and the outcome
// under a mutex and rings `notify`; formatting happens in poll() on the
// connection's thread, so the scheduler never waits on JSON or sockets.
class GenerationReply : public std::enable_shared_from_this<GenerationReply> {
 public:
  // `stops`: the request's stop sequences, kept out of the text it shows.
  GenerationReply(const ByteTokenizer& tokenizer, std::unique_ptr<GenerationFormat> format,
                  bool stream, std::vector<std::string> stops);

  // For Engine::generate/complete; they keep this reply alive.
  GenerateCallbacks callbacks();
  void set_cancel(std::function<void()> cancel);

  // Connection side. `notify` is called from the scheduler thread when there
  // is something new to poll; it must only hand off (post) and return.
  void set_notify(std::function<void()> notify);
  ReplyProgress poll();
  // The connection is gone: stop notifying and cancel the engine request if
  // it is still running.
  void abandon();

 private:
  void deliver(const std::function<void()>& update);
  ReplyProgress poll_stream(std::vector<int> tokens, std::optional<GenerateResult> result,
                            std::optional<EngineError> error);

  const ByteTokenizer& tokenizer_;
  const std::unique_ptr<GenerationFormat> format_;
  const bool stream_;

  std::mutex mutex_;  // guards the fields the scheduler thread writes
  std::vector<int> new_tokens_;
  std::optional<GenerateResult> result_;
  std::optional<EngineError> error_;
  bool engine_done_ = false;
  std::function<void()> notify_;
  std::function<void()> cancel_;

  // Only poll() touches these.
  Utf8Assembler text_;
  StopText stop_text_;
  std::vector<int> held_tokens_;  // generated, not yet in an event (holds_textless_tokens)
  int generated_ = 0;
  bool stream_started_ = false;
};

// Queues a generation through `submit` (Engine::generate or complete) and
// returns the response the connection completes from the engine's callbacks.
// Errors the engine reports at once propagate as EngineError.
HttpResponse start_generation(Engine& engine, std::unique_ptr<GenerationFormat> format, bool stream,
                              std::vector<std::string> stops,
                              const std::function<RequestId(GenerateCallbacks)>& submit);

}  // namespace sbench::server::http
