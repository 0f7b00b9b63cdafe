#include "load/load_target.hpp"

#include <gtest/gtest.h>

#include "config/toml_json.hpp"
#include "unit/runner/load/edited_options.hpp"

namespace sbench::runner {
namespace {

using std::chrono::milliseconds;

http::SseEvent event(const std::string& data, LoadClock::time_point arrived) {
  http::SseEvent sse;
  sse.data = data;
  sse.arrived = arrived;
  return sse;
}

http::Response answered(LoadClock::time_point t0) {
  http::Response response;
  response.status = 200;
  response.timing.scheduled = t0;
  response.timing.sent = t0;
  response.timing.done = t0 + milliseconds(100);
  return response;
}

TEST(LoadTarget, AChatStreamGivesTheArrivalOfEachPieceWithTextAndTheServersUsage) {
  const LoadTarget target(edited<TargetOptions>([](TargetOptions& o) {
    o.url = "http://localhost:8080/base";
    o.backend = "openai";
  }));
  EXPECT_EQ(target.generation_path(), "/base/v1/chat/completions");
  EXPECT_EQ(target.endpoint().host, "127.0.0.1");
  const LoadClock::time_point t0 = LoadClock::now();
  http::Response response = answered(t0);
  response.events = {
      event(R"({"choices":[{"delta":{"role":"assistant"}}]})", t0 + milliseconds(10)),
      event(R"({"choices":[{"delta":{"content":"Hel"}}]})", t0 + milliseconds(20)),
      event(R"({"choices":[{"delta":{"content":"lo"}}]})", t0 + milliseconds(30)),
      event(R"({"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}})",
            t0 + milliseconds(40)),
      event("[DONE]", t0 + milliseconds(41))};
  const RequestRecord record = target.read(response, {});
  ASSERT_TRUE(record.ok()) << record.error_kind;
  ASSERT_EQ(record.token_times.size(), 2u);  // the role-only chunk carries no text
  EXPECT_EQ(record.token_times[0], t0 + milliseconds(20));
  EXPECT_EQ(record.prompt_tokens, 7);
  EXPECT_EQ(record.completion_tokens, 3);  // the server's count, not the chunks'
}

TEST(LoadTarget, AnErrorInsideAStreamOrAChunkThatIsNotJsonFailsTheRequest) {
  const LoadTarget target(edited<TargetOptions>([](TargetOptions& o) {
    o.backend = "llamacpp";
    o.completions_api = true;
  }));
  EXPECT_EQ(target.generation_path(), "/v1/completions");
  const LoadClock::time_point t0 = LoadClock::now();
  http::Response response = answered(t0);
  response.events = {event(R"({"choices":[{"text":"a"}]})", t0),
                     event(R"({"error":{"message":"out of memory"}})", t0)};
  EXPECT_EQ(target.read(response, {}).error_kind, "stream_error");
  response.events = {event("not json", t0)};
  EXPECT_EQ(target.read(response, {}).error_kind, "bad_response");
  response.error.kind = http::ErrorKind::idle_timeout;
  EXPECT_EQ(target.read(response, {}).error_kind, "idle_timeout");
}

TEST(LoadTarget, OllamaLinesTakeTheArrivalOfThePieceThatCompletedThem) {
  const LoadTarget target(edited<TargetOptions>([](TargetOptions& o) {
    o.backend = "ollama";
    o.model = "llama3";
  }));
  EXPECT_EQ(target.generation_path(), "/api/chat");
  const LoadClock::time_point t0 = LoadClock::now();
  http::Response response = answered(t0);
  const std::string first = R"({"message":{"content":"Hi"},"done":false})"
                            "\n";
  const std::string second = R"({"message":{"content":" there"},"done":false})"
                             "\n";
  const std::string last =
      R"({"message":{"content":""},"done":true,"prompt_eval_count":5,"eval_count":2})"
      "\n";
  response.body = first + second + last;
  // The second line arrives split over two pieces; it counts when complete.
  const std::vector<BodyPiece> pieces = {{first.size() + 5, t0 + milliseconds(10)},
                                         {first.size() + second.size(), t0 + milliseconds(25)},
                                         {response.body.size(), t0 + milliseconds(30)}};
  PreparedRequest prepared;
  prepared.pieces = std::make_shared<std::vector<BodyPiece>>(pieces);
  const RequestRecord record = target.read(response, prepared);
  ASSERT_TRUE(record.ok()) << record.error_kind;
  ASSERT_EQ(record.token_times.size(), 2u);
  EXPECT_EQ(record.token_times[0], t0 + milliseconds(10));
  EXPECT_EQ(record.token_times[1], t0 + milliseconds(25));
  EXPECT_EQ(record.completion_tokens, 2);
  EXPECT_EQ(record.prompt_tokens, 5);

  response.body = first;  // the server stopped before "done"
  prepared.pieces =
      std::make_shared<std::vector<BodyPiece>>(std::vector<BodyPiece>{{first.size(), t0}});
  EXPECT_EQ(target.read(response, prepared).error_kind, "truncated");
}

TEST(LoadTarget, BadSettingsAreInputErrors) {
  EXPECT_THROW(LoadTarget(edited<TargetOptions>(
                   [](TargetOptions& o) { o.url = "https://api.example.com"; })),
               InputError);
  EXPECT_THROW(
      LoadTarget(edited<TargetOptions>([](TargetOptions& o) { o.url = "http://127.0.0.1:99999"; })),
      InputError);
  EXPECT_THROW(LoadTarget(edited<TargetOptions>([](TargetOptions& o) { o.backend = "tgi"; })),
               InputError);
  EXPECT_THROW(LoadTarget(edited<TargetOptions>([](TargetOptions& o) {
                 o.backend = "ollama";
                 o.completions_api = true;
               })),
               InputError);
  EXPECT_THROW(LoadTarget(edited<TargetOptions>(
                   [](TargetOptions& o) { o.api_key_env = "SBENCH_TEST_SURELY_UNSET_KEY"; })),
               InputError);
}

}  // namespace
}  // namespace sbench::runner
