// The llamacpp backend against a fake llama.cpp server answering with the
// captured shapes (tests/data/backends/llamacpp/).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backends/llamacpp_slots.hpp"
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

// A two-slot llama.cpp; `completion` answers /completion.
struct FakeLlamaCpp {
  explicit FakeLlamaCpp(std::function<Reply(const nlohmann::json&)> completion)
      : server([completion](const RecordedRequest& request) {
          if (request.target == "/props")
            return json_reply(backend_data("llamacpp/props.json"));
          if (request.target == "/metrics")
            return streamed_reply("text/plain", {backend_data("llamacpp/metrics.txt")});
          if (request.target.find("action=save") != std::string::npos)
            return json_reply(backend_data("llamacpp/slot_save.json"));
          if (request.target.find("action=restore") != std::string::npos)
            return json_reply(backend_data("llamacpp/slot_restore.json"));
          if (request.target.find("action=erase") != std::string::npos)
            return json_reply(backend_data("llamacpp/slot_erase.json"));
          return completion(nlohmann::json::parse(request.body));
        }) {}

  std::unique_ptr<BackendClient> backend() {
    return testing::backend_for(Backend::llamacpp, server);
  }

  std::vector<RecordedRequest> requests_to(const std::string& prefix) const {
    std::vector<RecordedRequest> found;
    for (const auto& request : server.requests())
      if (request.target.starts_with(prefix))
        found.push_back(request);
    return found;
  }

  FakeHttpServer server;
};

Reply captured_completion(const nlohmann::json&) {
  return json_reply(backend_data("llamacpp/completion.json"));
}

TEST(LlamaCppSlots, CountComesFromTheCommandLine) {
  EXPECT_EQ(detail::slot_count_from_command({"llama-server", "-np", "4"}), 4);
  EXPECT_EQ(detail::slot_count_from_command({"llama-server", "--parallel=3"}), 3);
  EXPECT_EQ(detail::slot_count_from_command({"llama-server", "-c", "2048"}), std::nullopt);
}

TEST(LlamaCppBackend, AgentsGetTheirOwnSlotAndExtraAgentsAreRefused) {
  FakeLlamaCpp fake(captured_completion);
  auto backend = fake.backend();  // GET /props says total_slots 2
  EXPECT_EQ(backend->create_agent("a"), "");
  EXPECT_EQ(backend->create_agent("b"), "");
  const std::string refused = backend->create_agent("c").error;
  EXPECT_NE(refused.find("has 2 (-np)"), std::string::npos) << refused;
  EXPECT_NE(refused.find("never share a slot"), std::string::npos) << refused;

  ASSERT_TRUE(backend->generate(testing::text_request("b", "Once upon a time")).ok());
  const auto completions = fake.requests_to("/completion");
  ASSERT_EQ(completions.size(), 1u);
  const auto body = nlohmann::json::parse(completions[0].body);
  EXPECT_EQ(body["id_slot"], 1);
  EXPECT_EQ(body["cache_prompt"], true);

  EXPECT_EQ(backend->delete_agent("a"), "");
  EXPECT_EQ(backend->create_agent("c"), "");  // a's slot is free again
}

TEST(LlamaCppBackend, SlotActionsAlwaysSendAJsonBody) {
  FakeLlamaCpp fake(captured_completion);
  auto backend = fake.backend();
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->unload_agent("a").ok());
  ASSERT_EQ(backend->reset(), "");
  const auto erases = fake.requests_to("/slots/");
  ASSERT_EQ(erases.size(), 4u);  // create, unload, reset of both slots
  for (const auto& erase : erases) {
    EXPECT_NE(erase.target.find("action=erase"), std::string::npos);
    EXPECT_TRUE(erase.has_content_length) << erase.target;
    EXPECT_EQ(erase.body, "{}") << erase.target;
  }
}

TEST(LlamaCppBackend, UsageComesFromTheServersCountsNotTheChunks) {
  FakeLlamaCpp fake(captured_completion);
  auto backend = fake.backend();
  ASSERT_EQ(backend->create_agent("a"), "");
  const GenerateResult result = backend->generate(testing::text_request("a", "x"));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_TRUE(result.usage);
  EXPECT_EQ(result.usage->prompt_tokens, 5u);
  EXPECT_EQ(result.usage->completion_tokens, 4u);
  EXPECT_EQ(result.usage->cached_tokens, 0u);  // prompt_n 5 of 5 computed
  EXPECT_EQ(result.server_timings.prompt_ms, 195.645);
  EXPECT_EQ(result.server_timings.predicted_n, 4u);
  EXPECT_EQ(result.text, " settled Classic ConfigurationFF");
}

TEST(LlamaCppBackend, StreamTimesTokensFromTheEventsThatCarryThem) {
  FakeLlamaCpp fake([](const nlohmann::json&) {
    return streamed_reply("text/event-stream",
                          testing::sse_pieces(backend_data("llamacpp/completion_stream.txt")));
  });
  auto backend = fake.backend();
  ASSERT_EQ(backend->create_agent("a"), "");
  const GenerateResult result = backend->generate(testing::text_request("a", "x", true));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.text, " settled gravwind");
  ASSERT_TRUE(result.usage);
  EXPECT_EQ(result.usage->completion_tokens, 3u);
  EXPECT_EQ(result.usage->cached_tokens, 4u);  // 5 evaluated, prompt_n 1
  EXPECT_EQ(result.token_timing.token_chunks, 3u);
  EXPECT_TRUE(result.token_timing.usage_matches_stream());
  ASSERT_TRUE(result.token_timing.time_to_first_token);
  ASSERT_EQ(result.token_timing.inter_token_latencies.size(), 2u);
  for (auto gap : result.token_timing.inter_token_latencies)
    EXPECT_GE(gap, std::chrono::milliseconds(15));
}

TEST(LlamaCppBackend, SaveAndRestoreReportSizesAndServerTimes) {
  // tokens_cached 4 in the slot, as many as the capture's n_saved.
  FakeLlamaCpp fake([](const nlohmann::json&) {
    auto answer = nlohmann::json::parse(backend_data("llamacpp/completion.json"));
    answer["tokens_cached"] = 4;
    return json_reply(answer.dump());
  });
  auto backend = fake.backend();
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->generate(testing::text_request("a", "x")).ok());
  const CacheOperationResult saved = backend->save_agent("a");
  ASSERT_TRUE(saved.ok()) << saved.error;
  EXPECT_EQ(saved.tokens, 4u);
  EXPECT_EQ(saved.bytes, 27864u);
  EXPECT_EQ(saved.server_ms, 0.88);
  const CacheOperationResult loaded = backend->load_agent("a");
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  EXPECT_EQ(loaded.tokens, 4u);
  EXPECT_EQ(loaded.server_ms, 0.867);
  const auto restore = fake.requests_to("/slots/0?action=restore");
  ASSERT_EQ(restore.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(restore[0].body)["filename"], "sbench-a.bin");

  // Another agent's slot restores a's file: a copy of its context.
  ASSERT_EQ(backend->create_agent("b"), "");
  const CacheOperationResult copied = backend->load_agent_from("b", "a");
  ASSERT_TRUE(copied.ok()) << copied.error;
  EXPECT_EQ(copied.tokens, 4u);
  const auto copy_restore = fake.requests_to("/slots/1?action=restore");
  ASSERT_EQ(copy_restore.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(copy_restore[0].body)["filename"], "sbench-a.bin");
  EXPECT_FALSE(backend->load_agent_from("unknown", "a").ok());
}

TEST(LlamaCppBackend, SaveShorterThanTheContextIsATruncationError) {
  FakeLlamaCpp fake(captured_completion);  // the slot holds 8 tokens, save says 4
  auto backend = fake.backend();
  ASSERT_EQ(backend->create_agent("a"), "");
  ASSERT_TRUE(backend->generate(testing::text_request("a", "x")).ok());
  const CacheOperationResult saved = backend->save_agent("a");
  EXPECT_NE(saved.error.find("truncated"), std::string::npos) << saved.error;
}

// After a restore of 4 tokens, the next request must reuse them.
GenerateResult generate_after_restore(std::size_t prompt_n) {
  FakeLlamaCpp fake([prompt_n](const nlohmann::json&) {
    auto answer = nlohmann::json::parse(backend_data("llamacpp/completion.json"));
    answer["timings"]["prompt_n"] = prompt_n;
    answer["tokens_cached"] = 4;
    return json_reply(answer.dump());
  });
  auto backend = fake.backend();
  EXPECT_EQ(backend->create_agent("a"), "");
  EXPECT_TRUE(backend->load_agent("a").ok());
  return backend->generate(testing::text_request("a", "x"));
}

TEST(LlamaCppBackend, RestoreThatTheServerUsesPasses) {
  const GenerateResult result = generate_after_restore(1);
  EXPECT_TRUE(result.ok()) << result.error;
}

TEST(LlamaCppBackend, RestoreThatTheServerIgnoresFailsTheNextGeneration) {
  const GenerateResult result = generate_after_restore(5);  // all 5 recomputed
  EXPECT_NE(result.error.find("cache load of agent a was not used: 4 tokens loaded"),
            std::string::npos)
      << result.error;
}

TEST(LlamaCppBackend, MemoryStatsComeFromMetrics) {
  FakeLlamaCpp fake(captured_completion);
  const ServerMemoryStats stats = fake.backend()->memory_stats();
  ASSERT_TRUE(stats.ok()) << stats.error;
  EXPECT_EQ(stats.kv_cache_usage_ratio, 0.00195312);
  EXPECT_EQ(stats.kv_cache_tokens, 4u);
  EXPECT_EQ(stats.raw.at("llamacpp:n_decode_total"), 13);
}

// Hostile answers are errors in the result, never exceptions out of generate().
TEST(LlamaCppBackend, MalformedAnswersAreErrorsNotExceptions) {
  for (const char* body :
       {R"({"content":"x","tokens":["not an id"],"tokens_predicted":-3})", R"([1, 2, 3])"}) {
    FakeLlamaCpp fake([body](const nlohmann::json&) { return json_reply(body); });
    auto backend = fake.backend();
    ASSERT_EQ(backend->create_agent("a"), "");
    GenerateResult result;
    EXPECT_NO_THROW(result = backend->generate(testing::text_request("a", "Hi")));
    if (result.ok()) {
      // Nothing usable was said: no count wraps around from a negative one.
      EXPECT_FALSE(result.usage && result.usage->completion_tokens > 1000) << body;
    }
  }
}

}  // namespace
}  // namespace sbench
