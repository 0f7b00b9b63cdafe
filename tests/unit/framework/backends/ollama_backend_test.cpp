// The ollama backend against a fake Ollama answering /api/generate with the
// shapes of its docs/api.md (tests/data/backends/ollama/): NDJSON, not SSE.
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

Reply ollama_answer(const RecordedRequest& request) {
  if (nlohmann::json::parse(request.body).value("stream", true))
    return streamed_reply("application/x-ndjson",
                          testing::line_pieces(backend_data("ollama/generate_stream.ndjson")));
  return json_reply(backend_data("ollama/generate.json"));
}

std::unique_ptr<BackendClient> ollama_backend(const FakeHttpServer& server) {
  return testing::backend_for(Backend::ollama, server, "llama3.2");
}

TEST(OllamaBackend, NonStreamedCountsAndNanosecondDurations) {
  FakeHttpServer server(ollama_answer);
  const GenerateResult result = ollama_backend(server)->generate(testing::text_request("", "Why"));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_TRUE(result.usage);
  EXPECT_EQ(result.usage->prompt_tokens, 26u);
  EXPECT_EQ(result.usage->completion_tokens, 290u);
  EXPECT_DOUBLE_EQ(*result.server_timings.predicted_ms, 4709.213);
  EXPECT_DOUBLE_EQ(*result.server_timings.prompt_ms, 325.953);
  const auto body = nlohmann::json::parse(server.requests().back().body);
  EXPECT_EQ(body["stream"], false);
  EXPECT_EQ(body["options"]["num_predict"], 16);
}

TEST(OllamaBackend, StreamedLinesAreTimedOneTokenEach) {
  FakeHttpServer server(ollama_answer);
  const GenerateResult result =
      ollama_backend(server)->generate(testing::text_request("", "Why", true));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, "The sky is");
  EXPECT_EQ(result.usage->completion_tokens, 3u);
  EXPECT_EQ(result.token_timing.token_chunks, 3u);
  ASSERT_TRUE(result.token_timing.time_to_first_token);
  ASSERT_EQ(result.token_timing.inter_token_latencies.size(), 2u);
  for (auto gap : result.token_timing.inter_token_latencies)
    EXPECT_GE(gap, std::chrono::milliseconds(15));
}

TEST(OllamaBackend, AgentSendsBackTheContextItWasGiven) {
  FakeHttpServer server(ollama_answer);
  auto backend = ollama_backend(server);
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->generate(testing::text_request("a", "One")).ok());
  ASSERT_TRUE(backend->generate(testing::text_request("a", "Two")).ok());
  const auto requests = server.requests();
  EXPECT_FALSE(nlohmann::json::parse(requests[0].body).contains("context"));
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["context"], nlohmann::json({1, 2, 3}));
}

TEST(OllamaBackend, HasNoAgentCacheNorMemoryStats) {
  FakeHttpServer server(ollama_answer);
  auto backend = ollama_backend(server);
  EXPECT_FALSE(backend->has(Capability::agent_cache));
  EXPECT_EQ(backend->memory_stats().error, "backend ollama lacks capability server_memory_stats");
}

}  // namespace
}  // namespace sbench
