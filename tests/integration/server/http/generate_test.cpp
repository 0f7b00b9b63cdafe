// POST /v1/agents/{id}/generate, whole and streamed.

#include <gtest/gtest.h>

#include "server_suite.hpp"
#include "sse_events.hpp"

namespace sbench::test {
namespace {

class Generate : public ServerSuite {
 protected:
  static HttpResult generate(const std::string& agent, const nlohmann::json& body) {
    return post("/v1/agents/" + agent + "/generate", body);
  }
};

void expect_usage_and_timings(const nlohmann::json& body, int completion_tokens) {
  const nlohmann::json& usage = body["usage"];
  EXPECT_EQ(usage["completion_tokens"], completion_tokens);
  EXPECT_EQ(usage["total_tokens"],
            usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
  EXPECT_TRUE(usage["cached_tokens"].is_number_integer());
  for (const char* field :
       {"queue_ms", "prefill_ms", "decode_ms", "prompt_per_second", "predicted_per_second"})
    EXPECT_GE(body["timings"][field].get<double>(), 0.0) << field;
}

TEST_F(Generate, AnswersTextTokensUsageAndTimings) {
  const HttpResult result =
      generate(create_agent(), {{"prompt", "Hello"}, {"max_tokens", 5}, {"ignore_eos", true}});
  ASSERT_EQ(result.status, 200) << result.body;
  const nlohmann::json body = result.json();
  EXPECT_EQ(body["tokens"].size(), 5u);
  EXPECT_TRUE(body["text"].is_string());
  EXPECT_EQ(body["finish_reason"], "length");
  EXPECT_GE(body["usage"]["prompt_tokens"].get<int>(), 5);
  expect_usage_and_timings(body, 5);
}

TEST_F(Generate, StreamSendsOneEventPerTokenThenUsageThenDone) {
  const nlohmann::json request = {{"prompt", "Stream me"}, {"max_tokens", 6}, {"ignore_eos", true}};
  const nlohmann::json whole = generate(create_agent(), request).json();

  nlohmann::json streamed_request = request;
  streamed_request["stream"] = true;
  const HttpResult result = generate(create_agent(), streamed_request);
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_TRUE(result.chunked);
  EXPECT_EQ(result.header("content-type"), "text/event-stream");
  const std::vector<std::string> events = sse_data(result.body);
  ASSERT_EQ(events.size(), 6u + 2u);
  std::vector<int> tokens;
  for (std::size_t i = 0; i < 6; ++i) {
    const nlohmann::json event = nlohmann::json::parse(events[i]);
    EXPECT_TRUE(event["text"].is_string());
    ASSERT_EQ(event["tokens"].size(), 1u) << "one event per token, each listing its id";
    tokens.push_back(event["tokens"][0]);
  }
  EXPECT_EQ(nlohmann::json(tokens), whole["tokens"])
      << "greedy decoding must not depend on streaming";
  const nlohmann::json last = nlohmann::json::parse(events[6]);
  EXPECT_EQ(last["finish_reason"], "length");
  expect_usage_and_timings(last, 6);
  EXPECT_EQ(events.back(), "[DONE]");
}

TEST_F(Generate, LaterTurnsReuseTheAgentsCache) {
  const std::string agent = create_agent();
  const nlohmann::json first = generate(agent, {{"prompt", "Turn one"}, {"max_tokens", 4}}).json();
  EXPECT_EQ(first["usage"]["cached_tokens"], 0);
  const nlohmann::json second = generate(agent, {{"prompt", " and two"}, {"max_tokens", 4}}).json();
  EXPECT_GE(second["usage"]["cached_tokens"].get<int>(),
            first["usage"]["prompt_tokens"].get<int>());
}

TEST_F(Generate, PromptTokensGivesAnExactPromptLength) {
  const nlohmann::json body =
      generate(create_agent(), {{"prompt_tokens", 37}, {"max_tokens", 1}}).json();
  EXPECT_EQ(body["usage"]["prompt_tokens"], 37);
}

TEST_F(Generate, PromptIsRequiredOnce) {
  const std::string agent = create_agent();
  expect_error(generate(agent, {{"max_tokens", 1}}), 400);
  expect_error(generate(agent, {{"prompt", "a"}, {"prompt_tokens", 3}}), 400);
  expect_error(generate(agent, {{"prompt_tokens", 0}}), 400);
}

}  // namespace
}  // namespace sbench::test
