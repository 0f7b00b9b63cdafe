// The openai backend against a fake OpenAI-compatible server answering with
// the documented shapes (tests/data/backends/openai/).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sbench/backend.hpp"
#include "support/backend_test_support.hpp"

namespace sbench {
namespace {

using testing::backend_data;
using testing::FakeHttpServer;
using testing::json_reply;
using testing::RecordedRequest;
using testing::Reply;
using testing::streamed_reply;

Reply openai_answer(const RecordedRequest& request) {
  if (request.target != "/v1/completions")
    return json_reply(R"({"error":{"message":"not found"}})", 404);
  if (nlohmann::json::parse(request.body).value("stream", false))
    return streamed_reply("text/event-stream",
                          testing::sse_pieces(backend_data("openai/completion_stream.txt")));
  return json_reply(backend_data("openai/completion.json"));
}

std::unique_ptr<BackendClient> openai_backend(const FakeHttpServer& server) {
  return testing::backend_for(Backend::openai, server, "some-model", ServerApi::completions);
}

TEST(OpenAiBackend, NonStreamedUsageIncludesCachedTokens) {
  FakeHttpServer server(openai_answer);
  const GenerateResult result = openai_backend(server)->generate(testing::text_request("", "Say"));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_TRUE(result.usage);
  EXPECT_EQ(result.usage->prompt_tokens, 5u);
  EXPECT_EQ(result.usage->completion_tokens, 7u);
  EXPECT_EQ(result.usage->cached_tokens, 3u);
  EXPECT_EQ(result.token_timing.tokens, 7u);
  const auto body = nlohmann::json::parse(server.requests().back().body);
  EXPECT_EQ(body["model"], "some-model");
  EXPECT_EQ(body["max_tokens"], 16);
}

TEST(OpenAiBackend, StreamAsksForUsageAndTimesEachTextChunk) {
  FakeHttpServer server(openai_answer);
  const GenerateResult result =
      openai_backend(server)->generate(testing::text_request("", "Say", true));
  ASSERT_TRUE(result.ok()) << result.error;
  const auto body = nlohmann::json::parse(server.requests().back().body);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(result.text, "This is a test");
  ASSERT_TRUE(result.usage);
  EXPECT_EQ(result.usage->completion_tokens, 3u);
  EXPECT_EQ(result.usage->cached_tokens, 4u);
  // The finish chunk carries the third token here, as the usage says.
  EXPECT_EQ(result.token_timing.token_chunks, 3u);
  EXPECT_TRUE(result.token_timing.usage_matches_stream());
  ASSERT_EQ(result.token_timing.inter_token_latencies.size(), 2u);
  EXPECT_GE(result.token_timing.inter_token_latencies[0], std::chrono::milliseconds(15));
}

TEST(OpenAiBackend, AgentsResendTheirConversation) {
  FakeHttpServer server(openai_answer);
  auto backend = openai_backend(server);
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->generate(testing::text_request("a", "One.")).ok());
  ASSERT_TRUE(backend->generate(testing::text_request("a", " Two.")).ok());
  const auto body = nlohmann::json::parse(server.requests().back().body);
  EXPECT_EQ(body["prompt"], "One.\n\nThis is indeed a test Two.");
}

TEST(OpenAiBackend, LacksAgentCacheAndStatsWithoutMetrics) {
  FakeHttpServer server(openai_answer);  // /metrics is 404
  auto backend = openai_backend(server);
  EXPECT_TRUE(backend->has(Capability::streaming));
  EXPECT_EQ(missing_capability(*backend, Capability::agent_cache),
            "backend openai lacks capability agent_cache");
  EXPECT_EQ(missing_capability(*backend, Capability::server_memory_stats),
            "backend openai lacks capability server_memory_stats");
  EXPECT_EQ(missing_capability(*backend, Capability::generate), std::nullopt);
  EXPECT_EQ(backend->save_agent("a").error, "backend openai lacks capability agent_cache");
}

}  // namespace
}  // namespace sbench
