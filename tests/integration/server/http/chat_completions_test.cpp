// The OpenAI-compatible POST /v1/chat/completions, with the agent_id
// extension that keeps an agent's KV between turns.

#include <gtest/gtest.h>

#include "server_suite.hpp"
#include "sse_events.hpp"

namespace sbench::test {
namespace {

class ChatCompletions : public ServerSuite {};

nlohmann::json user(const std::string& content) {
  return {{"role", "user"}, {"content", content}};
}

nlohmann::json chat(nlohmann::json messages, int max_tokens = 4) {
  return {{"model", "tiny"},
          {"messages", std::move(messages)},
          {"max_tokens", max_tokens},
          {"ignore_eos", true}};
}

// <|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n, in bytes.
int templated_length(const std::string& content) {
  return static_cast<int>(std::string("<|im_start|>user\n").size() + content.size() +
                          std::string("<|im_end|>\n<|im_start|>assistant\n").size());
}

TEST_F(ChatCompletions, AnswersAChatCompletion) {
  const HttpResult result =
      post("/v1/chat/completions", chat(nlohmann::json::array({user("Hello there")})));
  ASSERT_EQ(result.status, 200) << result.body;
  const nlohmann::json body = result.json();
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "tiny");
  ASSERT_EQ(body["choices"].size(), 1u);
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_TRUE(body["choices"][0]["message"]["content"].is_string());
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 4);
  EXPECT_EQ(body["usage"]["prompt_tokens"], templated_length("Hello there"))
      << "the documented template, byte for byte";
}

TEST_F(ChatCompletions, MaxCompletionTokensIsTheNewerNameOfMaxTokens) {
  nlohmann::json request = chat(nlohmann::json::array({user("Hi")}));
  request.erase("max_tokens");
  request["max_completion_tokens"] = 3;
  EXPECT_EQ(post("/v1/chat/completions", request).json()["usage"]["completion_tokens"], 3);
  request["max_tokens"] = 5;
  expect_error(post("/v1/chat/completions", request), 400);
}

TEST_F(ChatCompletions, StreamOpensWithTheRoleDeltaThenTokensUsageAndDone) {
  nlohmann::json request = chat(nlohmann::json::array({user("Stream")}), 6);
  request["stream"] = true;
  request["stream_options"] = {{"include_usage", true}};
  const HttpResult result = post("/v1/chat/completions", request);
  ASSERT_EQ(result.status, 200) << result.body;
  const std::vector<std::string> events = sse_data(result.body);
  ASSERT_GE(events.size(), 5u);
  const nlohmann::json role = nlohmann::json::parse(events[0]);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  std::string streamed;
  for (std::size_t i = 1; i + 3 < events.size(); ++i) {
    const nlohmann::json chunk = nlohmann::json::parse(events[i]);
    const std::string text = chunk["choices"][0]["delta"]["content"];
    EXPECT_FALSE(text.empty()) << "only the role delta may be empty";
    streamed += text;
  }
  const nlohmann::json finish = nlohmann::json::parse(events[events.size() - 3]);
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");
  const nlohmann::json usage = nlohmann::json::parse(events[events.size() - 2]);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 6);
  EXPECT_EQ(events.back(), "[DONE]");

  request.erase("stream");
  request.erase("stream_options");
  const nlohmann::json whole = post("/v1/chat/completions", request).json();
  EXPECT_EQ(streamed + finish["choices"][0]["delta"]["content"].get<std::string>(),
            whole["choices"][0]["message"]["content"])
      << "greedy decoding must not depend on streaming";
}

TEST_F(ChatCompletions, AgentIdKeepsTheConversationsKvBetweenTurns) {
  const std::string agent = "chat-agent-turns";
  nlohmann::json messages = nlohmann::json::array({user("Turn one")});
  nlohmann::json request = chat(messages);
  request["agent_id"] = agent;
  const nlohmann::json first = post("/v1/chat/completions", request).json();
  EXPECT_EQ(first["usage"]["prompt_tokens_details"]["cached_tokens"], 0);

  messages.push_back(first["choices"][0]["message"]);
  messages.push_back(user("Turn two"));
  request["messages"] = messages;
  const nlohmann::json second = post("/v1/chat/completions", request).json();
  // Everything of turn one, its answer included (even where the answer's
  // bytes came back as U+FFFD), is reused; only the last generated token,
  // which has no KV yet, and turn two are computed.
  const int first_context = first["usage"]["prompt_tokens"].get<int>() + 4;
  EXPECT_GE(second["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>(),
            first_context - 1);
  EXPECT_GT(second["usage"]["prompt_tokens"].get<int>(), first_context);

  // The agent is an agent of the native API too: it holds the whole context.
  const nlohmann::json stats = get("/v1/stats").json();
  bool found = false;
  for (const auto& listed : stats["agents"]) {
    if (listed["id"] == agent) {
      found = true;
      EXPECT_EQ(listed["tokens"], second["usage"]["prompt_tokens"].get<int>() + 4);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ChatCompletions, AConversationThatChangedRecomputesFromTheChange) {
  const std::string agent = "chat-agent-edit";
  nlohmann::json request = chat(nlohmann::json::array({user("Same start, first ending")}));
  request["agent_id"] = agent;
  post("/v1/chat/completions", request);
  request["messages"] = nlohmann::json::array({user("Same start, other ending")});
  const nlohmann::json edited = post("/v1/chat/completions", request).json();
  const int shared = static_cast<int>(std::string("<|im_start|>user\nSame start, ").size());
  EXPECT_EQ(edited["usage"]["prompt_tokens_details"]["cached_tokens"], shared);
}

TEST_F(ChatCompletions, StopSequencesEndTheAnswerAndStayOutOfIt) {
  // Greedy decoding is deterministic: find what the model says, then stop
  // on a piece of it.
  nlohmann::json request = chat(nlohmann::json::array({user("Tell me")}), 24);
  const std::string said = post("/v1/chat/completions", request)
                               .json()["choices"][0]["message"]["content"]
                               .get<std::string>();
  const auto printable = said.find_first_not_of("\xef\xbf\xbd");
  ASSERT_NE(printable, std::string::npos);
  const std::string stop = said.substr(printable, 1);
  request["stop"] = {stop};
  request.erase("ignore_eos");
  const nlohmann::json stopped = post("/v1/chat/completions", request).json();
  EXPECT_EQ(stopped["choices"][0]["finish_reason"], "stop");
  const std::string content = stopped["choices"][0]["message"]["content"];
  EXPECT_EQ(content, said.substr(0, said.find(stop)));
  EXPECT_LT(stopped["usage"]["completion_tokens"].get<int>(), 24);

  request["stream"] = true;
  const std::vector<std::string> events = sse_data(post("/v1/chat/completions", request).body);
  std::string streamed;
  for (const std::string& event : events) {
    if (event == "[DONE]")
      break;
    const nlohmann::json chunk = nlohmann::json::parse(event);
    if (!chunk["choices"].empty())
      streamed += chunk["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(streamed, content) << "a stream holds back what may begin a stop sequence";
}

TEST_F(ChatCompletions, TopPAndSeedSampleReproducibly) {
  nlohmann::json request = chat(nlohmann::json::array({user("Sample")}), 8);
  request["temperature"] = 1.0;
  request["top_p"] = 0.9;
  request["seed"] = 11;
  const auto first = post("/v1/chat/completions", request).json()["choices"][0]["message"];
  const auto again = post("/v1/chat/completions", request).json()["choices"][0]["message"];
  EXPECT_EQ(first, again);
  request["top_p"] = 0;
  expect_error(post("/v1/chat/completions", request), 400);
}

TEST_F(ChatCompletions, ContentPartsAndDeveloperRoleAreRead) {
  const nlohmann::json messages = {
      {{"role", "developer"}, {"content", "Be brief."}},
      {{"role", "user"}, {"content", {{{"type", "text"}, {"text", "Hi"}}}}}};
  const HttpResult result = post("/v1/chat/completions", chat(messages));
  ASSERT_EQ(result.status, 200) << result.body;
  const int expected =
      static_cast<int>(std::string("<|im_start|>system\nBe brief.<|im_end|>\n").size()) +
      templated_length("Hi");
  EXPECT_EQ(result.json()["usage"]["prompt_tokens"], expected);
}

TEST_F(ChatCompletions, TokenizeCountsWhatAChatWouldPrompt) {
  const nlohmann::json messages = nlohmann::json::array({user("Count me")});
  const nlohmann::json counted =
      post("/tokenize", {{"model", "tiny"}, {"messages", messages}}).json();
  const nlohmann::json answered = post("/v1/chat/completions", chat(messages)).json();
  EXPECT_EQ(counted["count"], answered["usage"]["prompt_tokens"]);
  EXPECT_EQ(counted["tokens"].size(), counted["count"].get<std::size_t>());
  const nlohmann::json without =
      post("/tokenize", {{"messages", messages}, {"add_generation_prompt", false}}).json();
  EXPECT_EQ(without["count"].get<int>(),
            counted["count"].get<int>() -
                static_cast<int>(std::string("<|im_start|>assistant\n").size()));
  EXPECT_EQ(post("/tokenize", {{"prompt", "abc"}}).json()["count"], 3);
  EXPECT_EQ(post("/tokenize", {{"content", "abcd"}}).json()["count"], 4) << "llama.cpp's form";
  expect_error(post("/tokenize", nlohmann::json::object()), 400);
  expect_error(post("/tokenize", {{"prompt", "a"}, {"messages", messages}}), 400);
}

TEST_F(ChatCompletions, RefusesWhatItCannotDo) {
  expect_error(post("/v1/chat/completions", {{"max_tokens", 2}}), 400);
  expect_error(post("/v1/chat/completions", chat(nlohmann::json::array())), 400);
  expect_error(post("/v1/chat/completions",
                    chat(nlohmann::json::array({{{"role", "tool"}, {"content", "x"}}}))),
               400);
  expect_error(post("/v1/chat/completions", chat(nlohmann::json::array({{{"role", "user"}}}))),
               400);
  nlohmann::json request = chat(nlohmann::json::array({user("x")}));
  request["n"] = 2;
  expect_error(post("/v1/chat/completions", request), 400);
  request = chat(nlohmann::json::array({user("x")}));
  request["tools"] = {{{"type", "function"}}};
  expect_error(post("/v1/chat/completions", request), 400);
  request = chat(nlohmann::json::array({user("x")}));
  request["agent_id"] = "no spaces";
  expect_error(post("/v1/chat/completions", request), 400);
  request =
      chat(nlohmann::json::array({{{"role", "user"}, {"content", {{{"type", "image_url"}}}}}}));
  expect_error(post("/v1/chat/completions", request), 400);
  request = chat(
      nlohmann::json::array({{{"role", "user"}, {"content", {{{"type", 1}, {"text", "x"}}}}}}));
  expect_error(post("/v1/chat/completions", request), 400);
  request = chat(nlohmann::json::array({user("x")}));
  request["response_format"] = {{"type", 7}};
  expect_error(post("/v1/chat/completions", request), 400);
  expect_healthy();
}

TEST_F(ChatCompletions, ARefusedRequestCreatesNoAgent) {
  // Past the context limit: refused by the engine, after the agent's lookup.
  nlohmann::json request = chat(nlohmann::json::array({user(std::string(5000, 'x'))}));
  request["agent_id"] = "chat-never-created";
  const HttpResult refused = post("/v1/chat/completions", request);
  EXPECT_GE(refused.status, 400) << refused.body;
  EXPECT_EQ(get("/v1/stats").body.find("chat-never-created"), std::string::npos);
}

}  // namespace
}  // namespace sbench::test
