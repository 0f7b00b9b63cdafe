// The OpenAI-compatible POST /v1/completions.

#include <gtest/gtest.h>

#include "server_suite.hpp"
#include "sse_events.hpp"

namespace sbench::test {
namespace {

class Completions : public ServerSuite {};

TEST_F(Completions, AnswersATextCompletion) {
  const HttpResult result =
      post("/v1/completions",
           {{"model", "tiny"}, {"prompt", "Once upon"}, {"max_tokens", 4}, {"ignore_eos", true}});
  ASSERT_EQ(result.status, 200) << result.body;
  const nlohmann::json body = result.json();
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["model"], "tiny");
  EXPECT_TRUE(body["created"].is_number_integer());
  ASSERT_EQ(body["choices"].size(), 1u);
  EXPECT_EQ(body["choices"][0]["index"], 0);
  EXPECT_TRUE(body["choices"][0]["text"].is_string());
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(body["choices"][0]["logprobs"].is_null());
  EXPECT_EQ(body["usage"]["completion_tokens"], 4);
  EXPECT_EQ(body["usage"]["total_tokens"], body["usage"]["prompt_tokens"].get<int>() + 4);
  EXPECT_TRUE(body["usage"]["prompt_tokens_details"]["cached_tokens"].is_number_integer());
}

TEST_F(Completions, AcceptsTokenIdPrompts) {
  const nlohmann::json body =
      post("/v1/completions", {{"prompt", {72, 101, 108}}, {"max_tokens", 2}}).json();
  EXPECT_EQ(body["usage"]["prompt_tokens"], 3);
}

TEST_F(Completions, StreamsChunksThenUsageThenDone) {
  const HttpResult result =
      post("/v1/completions", {{"prompt", "Stream"},
                               {"max_tokens", 5},
                               {"ignore_eos", true},
                               {"stream", true},
                               {"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_TRUE(result.chunked);
  const std::vector<std::string> events = sse_data(result.body);
  // Token chunks (a token without complete text waits for the next), the
  // finish chunk, the usage chunk, [DONE].
  ASSERT_GE(events.size(), 1u + 3u);
  ASSERT_LE(events.size(), 5u + 3u);
  const std::size_t token_chunks = events.size() - 3;
  for (std::size_t i = 0; i < token_chunks; ++i) {
    const nlohmann::json chunk = nlohmann::json::parse(events[i]);
    EXPECT_EQ(chunk["object"], "text_completion");
    EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
    EXPECT_FALSE(chunk["choices"][0]["text"].get<std::string>().empty())
        << "a chunk without text would count as a token it does not carry";
  }
  EXPECT_EQ(nlohmann::json::parse(events[token_chunks])["choices"][0]["finish_reason"], "length");
  const nlohmann::json usage_chunk = nlohmann::json::parse(events[token_chunks + 1]);
  EXPECT_TRUE(usage_chunk["choices"].empty());
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], 5);
  EXPECT_EQ(events.back(), "[DONE]");
}

TEST_F(Completions, ContinuousUsageCountsEveryChunksTokens) {
  // Bytes 0xE2 0x82 0xAC are one character in three tokens: their chunk
  // must say it carries three.
  const HttpResult result =
      post("/v1/completions", {{"prompt", "Stream"},
                               {"max_tokens", 24},
                               {"ignore_eos", true},
                               {"stream", true},
                               {"stream_options", {{"continuous_usage_stats", true}}}});
  ASSERT_EQ(result.status, 200) << result.body;
  const std::vector<std::string> events = sse_data(result.body);
  int previous = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const nlohmann::json chunk = nlohmann::json::parse(events[i]);
    const int running = chunk["usage"]["completion_tokens"];
    EXPECT_GE(running, previous);
    if (chunk["choices"][0]["finish_reason"].is_null()) {
      EXPECT_GT(running, previous) << "a token chunk carries at least one token";
    }
    previous = running;
  }
  EXPECT_EQ(previous, 24);
}

TEST_F(Completions, StreamWithoutIncludeUsageHasNoUsageChunk) {
  const HttpResult result =
      post("/v1/completions",
           {{"prompt", "Stream"}, {"max_tokens", 2}, {"ignore_eos", true}, {"stream", true}});
  const std::vector<std::string> events = sse_data(result.body);
  ASSERT_EQ(events.size(), 2u + 2u);
  EXPECT_FALSE(nlohmann::json::parse(events[2]).contains("usage"));
}

TEST_F(Completions, RefusesBadFields) {
  expect_error(post("/v1/completions", {{"max_tokens", 2}}), 400);
  expect_error(post("/v1/completions", {{"prompt", 5}}), 400);
  expect_error(post("/v1/completions", {{"prompt", {-1}}}), 400);
  expect_error(post("/v1/completions", {{"prompt", ""}}), 400);
  expect_error(post("/v1/completions", {{"prompt", "a"}, {"n", 2}}), 400);
  expect_error(post("/v1/completions", {{"prompt", "a"}, {"best_of", 2}}), 400);
  expect_error(post("/v1/completions", {{"prompt", "a"}, {"stream_options", {{"x", true}}}}), 400);
  expect_healthy();
}

}  // namespace
}  // namespace sbench::test
