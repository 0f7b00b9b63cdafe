#include "generation_reply.hpp"

#include "error_response.hpp"
#include "json_io.hpp"

namespace sbench::server::http {
namespace {

std::string sse_event(const nlohmann::json& data) {
  return "data: " + dump_json(data) + "\n\n";
}

constexpr const char* kSseDone = "data: [DONE]\n\n";

}  // namespace

GenerationReply::GenerationReply(const ByteTokenizer& tokenizer,
                                 std::unique_ptr<GenerationFormat> format, bool stream,
                                 std::vector<std::string> stops)
    : tokenizer_(tokenizer),
      format_(std::move(format)),
      stream_(stream),
      stop_text_(std::move(stops)) {}

GenerateCallbacks GenerationReply::callbacks() {
  auto self = shared_from_this();
  GenerateCallbacks callbacks;
  callbacks.on_token = [self](int token) {
    self->deliver([&] { self->new_tokens_.push_back(token); });
  };
  callbacks.on_done = [self](GenerateResult result) {
    self->deliver([&] {
      self->result_ = std::move(result);
      self->engine_done_ = true;
    });
  };
  callbacks.on_error = [self](const EngineError& error) {
    self->deliver([&] {
      self->error_ = error;
      self->engine_done_ = true;
    });
  };
  return callbacks;
}

void GenerationReply::deliver(const std::function<void()>& update) {
  std::lock_guard lock(mutex_);
  update();
  // Notifying under the lock is what makes abandon() final: once it has
  // cleared notify_, no call into a closed connection can still be under way.
  if (notify_)
    notify_();
}

void GenerationReply::set_cancel(std::function<void()> cancel) {
  std::lock_guard lock(mutex_);
  cancel_ = std::move(cancel);
}

void GenerationReply::set_notify(std::function<void()> notify) {
  std::lock_guard lock(mutex_);
  notify_ = std::move(notify);
}

void GenerationReply::abandon() {
  std::function<void()> cancel;
  {
    std::lock_guard lock(mutex_);
    notify_ = nullptr;
    if (!engine_done_)
      cancel = std::move(cancel_);
  }
  if (cancel)
    cancel();  // outside the lock: the engine may call back into deliver()
}

ReplyProgress GenerationReply::poll() {
  std::vector<int> tokens;
  std::optional<GenerateResult> result;
  std::optional<EngineError> error;
  {
    std::lock_guard lock(mutex_);
    tokens.swap(new_tokens_);
    result.swap(result_);
    error.swap(error_);
  }
  if (stream_)
    return poll_stream(std::move(tokens), std::move(result), std::move(error));
  ReplyProgress progress;
  if (error)
    progress.response = error_response(*error);
  else if (result)
    progress.response = json_response(
        200, format_->response(*result, stop_text_.cut(tokenizer_.decode(result->tokens))));
  return progress;
}

ReplyProgress GenerationReply::poll_stream(std::vector<int> tokens,
                                           std::optional<GenerateResult> result,
                                           std::optional<EngineError> error) {
  ReplyProgress progress;
  if (!stream_started_ && !error) {
    for (const auto& event : format_->opening_events())
      progress.stream_data += sse_event(event);
  }
  for (int token : tokens) {
    const std::string text = stop_text_.append(text_.append(tokenizer_.decode(token)));
    held_tokens_.push_back(token);
    ++generated_;
    if (text.empty() && format_->holds_textless_tokens())
      continue;
    progress.stream_data += sse_event(format_->token_event(held_tokens_, text, generated_));
    held_tokens_.clear();
  }
  if (error) {
    // Before the first event the status line is still unsent, so the client
    // gets a plain error response with the right status.
    if (!stream_started_ && progress.stream_data.empty()) {
      progress.response = error_response(*error);
      return progress;
    }
    progress.stream_data += sse_event(error_body(status_for(error->kind()), error->what()));
    progress.stream_ended = true;
  } else if (result) {
    // Two statements: the operands of + may run in either order.
    std::string trailing = stop_text_.append(text_.flush());
    trailing += stop_text_.finish();
    for (const auto& event : format_->final_events(*result, trailing))
      progress.stream_data += sse_event(event);
    progress.stream_data += kSseDone;
    progress.stream_ended = true;
  }
  stream_started_ = stream_started_ || !progress.stream_data.empty();
  return progress;
}

HttpResponse start_generation(Engine& engine, std::unique_ptr<GenerationFormat> format, bool stream,
                              std::vector<std::string> stops,
                              const std::function<RequestId(GenerateCallbacks)>& submit) {
  auto reply = std::make_shared<GenerationReply>(engine.tokenizer(), std::move(format), stream,
                                                 std::move(stops));
  const RequestId request = submit(reply->callbacks());
  reply->set_cancel([&engine, request] { engine.cancel(request); });
  HttpResponse response;
  response.generation = std::move(reply);
  return response;
}

}  // namespace sbench::server::http
