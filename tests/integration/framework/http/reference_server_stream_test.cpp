#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "sbench/http/client.hpp"
#include "sbench/stats/token_timing.hpp"
#include "support/spawned_server.hpp"

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// One reference server for the whole file: starting it loads a model.
class ReferenceServerStreams : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cache_dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                           ("sbench-http-it-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*cache_dir_);
    server_ =
        new ::sbench::testing::SpawnedServer({SBENCH_SERVER_BINARY, "--model", "tiny", "--port",
                                              "0", "--cache-dir", cache_dir_->string()},
                                             seconds(60));
  }
  static void TearDownTestSuite() {
    delete server_;
    std::filesystem::remove_all(*cache_dir_);
    delete cache_dir_;
  }

  static const Endpoint& endpoint() { return server_->endpoint(); }

  static Request generate(const std::string& agent, int max_tokens) {
    Request request = post_json_stream("/v1/agents/" + agent + "/generate",
                                       nlohmann::json{{"prompt", "Once upon a time"},
                                                      {"max_tokens", max_tokens},
                                                      {"ignore_eos", true},
                                                      {"stream", true}}
                                           .dump());
    request.timeouts.total = seconds(60);
    return request;
  }

  void create_agent(Client& client, const std::string& agent) {
    const Response created =
        client.send(endpoint(), post_json("/v1/agents", nlohmann::json{{"id", agent}}.dump()));
    ASSERT_TRUE(created.ok()) << created.error.message;
  }

  static ::sbench::testing::SpawnedServer* server_;
  static std::filesystem::path* cache_dir_;
};

::sbench::testing::SpawnedServer* ReferenceServerStreams::server_ = nullptr;
std::filesystem::path* ReferenceServerStreams::cache_dir_ = nullptr;

// The agent API: one token per event, then an event with usage, then [DONE].
struct ParsedStream {
  std::vector<stats::TokenChunk> chunks;
  std::optional<std::size_t> completion_tokens;
};

ParsedStream parse_agent_stream(const Response& response) {
  ParsedStream parsed;
  for (const SseEvent& event : response.events) {
    if (is_done_marker(event))
      continue;
    const auto data = nlohmann::json::parse(event.data);
    parsed.chunks.push_back({event.arrived, data.contains("tokens") ? data["tokens"].size() : 0u});
    if (data.contains("usage"))
      parsed.completion_tokens = data["usage"]["completion_tokens"].get<std::size_t>();
  }
  return parsed;
}

TEST_F(ReferenceServerStreams, StreamedGenerationHasConsistentTokenTiming) {
  Client client;
  create_agent(client, "timing");
  constexpr int kMaxTokens = 24;
  const Response response = client.send(endpoint(), generate("timing", kMaxTokens));
  ASSERT_TRUE(response.ok()) << response.error.message;
  const ParsedStream stream = parse_agent_stream(response);
  ASSERT_TRUE(stream.completion_tokens);
  EXPECT_EQ(*stream.completion_tokens, std::size_t{kMaxTokens});

  const stats::TokenTiming timing =
      stats::time_tokens(response.timing.scheduled, stream.chunks, response.timing.done,
                         stream.completion_tokens, stats::TokenCountSource::server);
  EXPECT_EQ(timing.tokens, std::size_t{kMaxTokens});
  EXPECT_EQ(timing.token_chunks, std::size_t{kMaxTokens});
  EXPECT_TRUE(timing.usage_matches_stream());
  ASSERT_TRUE(timing.time_to_first_token);
  EXPECT_GT(*timing.time_to_first_token, milliseconds(0));
  EXPECT_LT(*timing.time_to_first_token, timing.total);
  EXPECT_EQ(timing.inter_token_latencies.size(), std::size_t{kMaxTokens - 1});
  EXPECT_GT(timing.decode_tokens_per_second, 0);
}

TEST_F(ReferenceServerStreams, OpenAiCompletionStreamEndsWithUsage) {
  Client client;
  Request request = post_json_stream("/v1/completions",
                                     nlohmann::json{
                                         {"prompt", "Hello"},
                                         {"max_tokens", 8},
                                         {"ignore_eos", true},
                                         {"stream", true},
                                         {"stream_options", {{"include_usage", true}}},
                                     }
                                         .dump());
  const Response response = client.send(endpoint(), request);
  ASSERT_TRUE(response.ok()) << response.error.message;
  ASSERT_GE(response.events.size(), 2u);
  const auto usage_event = nlohmann::json::parse(response.events[response.events.size() - 2].data);
  EXPECT_EQ(usage_event["usage"]["completion_tokens"], 8);
}

TEST_F(ReferenceServerStreams, ManyConcurrentStreamsFromOneClientThread) {
  Client client;
  constexpr int kAgents = 16;
  constexpr int kMaxTokens = 12;
  std::vector<Request> requests;
  for (int agent = 0; agent < kAgents; ++agent) {
    const std::string id = "concurrent-" + std::to_string(agent);
    create_agent(client, id);
    requests.push_back(generate(id, kMaxTokens));
  }
  const auto responses = client.run_batch(endpoint(), std::move(requests));
  EXPECT_EQ(count_errors(responses).describe(), "none");
  for (const Response& response : responses) {
    const ParsedStream stream = parse_agent_stream(response);
    EXPECT_EQ(stream.completion_tokens.value_or(0), std::size_t{kMaxTokens});
  }
  // All in flight at once: the streams overlap instead of running in turn.
  const auto first_done =
      std::ranges::min(responses, {}, [](const Response& r) { return r.timing.done; }).timing.done;
  const auto last_sent =
      std::ranges::max(responses, {}, [](const Response& r) { return r.timing.sent; }).timing.sent;
  EXPECT_LT(last_sent, first_done);
}

}  // namespace
}  // namespace sbench::http
