// Every bad input gets a 4xx JSON error and the server stays up.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

class BadRequests : public ServerSuite {
 protected:
  void TearDown() override { expect_healthy(); }

  static bool message_names(const HttpResult& result, const std::string& field) {
    return result.json()["error"]["message"].get<std::string>().find(field) != std::string::npos;
  }

  // After the client of a 4,000-token generation on `target`'s agent went
  // away: the agent becomes free again, holding less than the 4,000 tokens the
  // abandoned request would have left had it run to its end.
  static void expect_cancelled_once_free(const std::string& target) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    HttpResult retry;
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      retry = post(target, {{"prompt", "again"}, {"max_tokens", 1}});
    } while (retry.status == 409 && std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(retry.status, 200) << retry.body;
    EXPECT_LT(retry.json()["usage"]["cached_tokens"].get<int>(), 4000)
        << "the abandoned request should have been cancelled";
  }
};

TEST_F(BadRequests, MalformedOrMistypedJsonIs400NamingTheField) {
  const std::string agent = create_agent();
  const std::string target = "/v1/agents/" + agent + "/generate";
  expect_error(client().request("POST", target, "{\"prompt\": "), 400);
  expect_error(client().request("POST", target, "[1, 2]"), 400);

  const HttpResult unknown = post(target, {{"prompt", "x"}, {"max_tokenz", 3}});
  expect_error(unknown, 400);
  EXPECT_TRUE(message_names(unknown, "max_tokenz"));

  const HttpResult mistyped = post(target, {{"prompt", 12}});
  expect_error(mistyped, 400);
  EXPECT_TRUE(message_names(mistyped, "prompt"));

  expect_error(post(target, {{"prompt", "x"}, {"stream", "yes"}}), 400);
  expect_error(post(target, {{"prompt", "x"}, {"seed", -1}}), 400);
  expect_error(post(target, {{"prompt", "x"}, {"temperature", -0.5}}), 400);
}

// A number JSON can write but a double cannot hold is a bad request, not a
// server error, on every route that reads a JSON body.
TEST_F(BadRequests, NumberOverflowIs400OnEveryJsonRoute) {
  const std::string agent = create_agent();
  const std::string overflow = R"({"max_tokens": 1e400, "prompt": "x"})";
  for (const std::string& target :
       {"/v1/agents/" + agent + "/generate", std::string("/v1/completions"),
        std::string("/v1/chat/completions"), std::string("/tokenize"), std::string("/v1/agents"),
        "/v1/agents/" + agent + "/save", "/v1/agents/" + agent + "/load"}) {
    const HttpResult result = client().request("POST", target, overflow);
    expect_error(result, 400);
    EXPECT_TRUE(message_names(result, "1e400")) << target << ": " << result.body;
  }
}

// What SERVER_API.md says: over the context limit is the client's error
// (400), not a capacity the client may wait for (429).
TEST_F(BadRequests, AContextOverTheLimitIs400AsDocumented) {
  const int max_context = get("/v1/models").json()["data"][0]["max_context"].get<int>();
  const HttpResult result = post("/v1/agents/" + create_agent() + "/generate",
                                 {{"prompt_tokens", max_context - 10}, {"max_tokens", 20}});
  expect_error(result, 400);
  EXPECT_TRUE(message_names(result, "max_tokens")) << result.body;
}

TEST_F(BadRequests, MaxTokensOutOfRangeIs400) {
  const std::string target = "/v1/agents/" + create_agent() + "/generate";
  for (const nlohmann::json& max_tokens :
       {nlohmann::json(0), nlohmann::json(-3), nlohmann::json(18'446'744'073'709'551'615ull),
        nlohmann::json(1'000'000'000), nlohmann::json(2.5), nlohmann::json("3")}) {
    const HttpResult result = post(target, {{"prompt", "x"}, {"max_tokens", max_tokens}});
    expect_error(result, 400);
    EXPECT_TRUE(message_names(result, "max_tokens"));
  }
}

TEST_F(BadRequests, UnknownAgentIs404) {
  expect_error(post("/v1/agents/nobody/generate", {{"prompt", "x"}}), 404);
  expect_error(client().request("POST", "/v1/agents/nobody/save"), 404);
  expect_error(client().request("POST", "/v1/agents/nobody/unload"), 404);
  expect_error(client().request("DELETE", "/v1/agents/nobody"), 404);
}

TEST_F(BadRequests, PathsInAgentIdsAre400) {
  for (const char* target :
       {"/v1/agents/../x/generate", "/v1/agents/..%2Fx/generate", "/v1/agents/%2e%2e/generate",
        "/v1/agents/a%2Fb/generate", "/v1/agents/a%zz/generate", "/v1/agents/a%00b/generate"})
    expect_error(post(target, {{"prompt", "x"}}), 400);
  expect_error(client().request("POST", "/v1/agents/..%2F..%2Fetc%2Fpasswd/load"), 400);
  expect_error(client().request("DELETE", "/v1/agents/../x"), 400);
}

TEST_F(BadRequests, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  expect_error(get("/v2/nothing"), 404);
  expect_error(get("/v1/agents/a/dance"), 404);

  const HttpResult wrong_method = client().request("DELETE", "/health");
  expect_error(wrong_method, 405);
  EXPECT_EQ(wrong_method.header("allow"), "GET");
  const HttpResult get_generate = get("/v1/agents/a/generate");
  expect_error(get_generate, 405);
  EXPECT_EQ(get_generate.header("allow"), "POST");
}

TEST_F(BadRequests, OversizeBodyIs413) {
  // The suite's server takes bodies up to 64 KiB.
  const std::string prompt(70'000, 'a');
  expect_error(post("/v1/completions", {{"prompt", prompt}}), 413);
}

TEST_F(BadRequests, BusyAgentIs409AndADisconnectCancelsItsRequest) {
  const std::string agent = create_agent();
  const std::string target = "/v1/agents/" + agent + "/generate";
  HttpClient streaming(server().port());
  streaming.send_request(
      "POST", target,
      nlohmann::json{
          {"prompt", "busy"}, {"max_tokens", 4000}, {"ignore_eos", true}, {"stream", true}}
          .dump());
  ASSERT_EQ(streaming.read_header().status, 200);

  expect_error(post(target, {{"prompt", "again"}}), 409);
  expect_error(client().request("POST", "/v1/agents/" + agent + "/save"), 409);

  streaming.close();
  expect_cancelled_once_free(target);
}

// Before its answer's first byte there is nothing to write that would fail:
// the server must notice the hang-up itself (a prefill, an answer not streamed).
TEST_F(BadRequests, ADisconnectCancelsARequestThatIsNotStreamed) {
  const std::string agent = create_agent();
  const std::string target = "/v1/agents/" + agent + "/generate";
  HttpClient waiting(server().port());
  waiting.send_request(
      "POST", target,
      nlohmann::json{{"prompt", "busy"}, {"max_tokens", 4000}, {"ignore_eos", true}}.dump());
  const auto busy_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (post(target, {{"prompt", "x"}, {"max_tokens", 1}}).status != 409 &&
         std::chrono::steady_clock::now() < busy_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));

  waiting.close();
  expect_cancelled_once_free(target);
}

TEST_F(BadRequests, MalformedHttpIs400) {
  HttpClient raw(server().port());
  raw.send_raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(raw.read_until_closed().find(" 400 "), std::string::npos);
}

// Each request is sent raw on its own connection; a smuggled second request
// rides in the first one's body. The answer must be one 400 and a closed
// connection, never a second answer (RFC 9112 section 6.3: a Transfer-Encoding
// that does not end in chunked is an error on a request).
TEST_F(BadRequests, AmbiguousFramingIs400AndClosesSoNothingIsSmuggled) {
  const std::string smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string chunked_body =
      std::to_string(smuggled.size()) + "\r\n" + smuggled + "\r\n0\r\n\r\n";
  for (const std::string& framing :
       {"Transfer-Encoding: chunked, identity\r\nContent-Length: " +
            std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled,
        "Transfer-Encoding: xchunked\r\nContent-Length: " + std::to_string(smuggled.size()) +
            "\r\n\r\n" + smuggled,
        "Transfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n" + chunked_body,
        "Transfer-Encoding: identity\r\n\r\n" + smuggled}) {
    HttpClient raw(server().port());
    raw.send_raw("POST /v1/agents HTTP/1.1\r\nHost: x\r\n" + framing);
    const std::string answer = raw.read_until_closed();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << framing << "\n" << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << "a second answer: " << answer;
  }
}

TEST_F(BadRequests, AnHttp11RequestNeedsExactlyOneHost) {
  for (const std::string& hosts : {std::string(), std::string("Host: a\r\nHost: b\r\n")}) {
    HttpClient raw(server().port());
    raw.send_raw("GET /health HTTP/1.1\r\n" + hosts + "\r\n");
    EXPECT_EQ(raw.read_until_closed().rfind("HTTP/1.1 400 ", 0), 0u) << hosts;
  }
  HttpClient old(server().port());
  old.send_raw("GET /health HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs none
  EXPECT_EQ(old.read_until_closed().rfind("HTTP/1.1 200 ", 0), 0u);
}

// HTTP/1.0 has no chunked encoding: the stream is the body up to the close.
TEST_F(BadRequests, AnHttp10StreamIsNotChunked) {
  const std::string agent = create_agent();
  const std::string body = R"({"prompt":"x","max_tokens":3,"stream":true})";
  HttpClient raw(server().port());
  raw.send_raw("POST /v1/agents/" + agent + "/generate HTTP/1.0\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::string answer = raw.read_until_closed();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer;
  EXPECT_EQ(answer.find("chunked"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\r\n\r\ndata: "), std::string::npos) << "events right after the header";
  EXPECT_NE(answer.find("[DONE]"), std::string::npos) << answer;
}

TEST_F(BadRequests, EmptyPathSegmentsDoNotRoute) {
  const std::string agent = create_agent();
  expect_error(client().request("POST", "/v1/agents//save"), 404);
  expect_error(client().request("DELETE", "/v1/agents//" + agent), 404);
  expect_error(client().request("GET", "/v1/models/"), 404);
  EXPECT_EQ(get("/v1/models").status, 200);
  EXPECT_EQ(client().request("DELETE", "/v1/agents/" + agent).status, 200) << "still there";
}

TEST_F(BadRequests, SlowHeadersAreCutOffByTheHeaderTimeout) {
  // The suite's server gives a client 1 s to send its headers.
  const auto start = std::chrono::steady_clock::now();
  HttpClient slow(server().port());
  slow.send_raw("POST /v1/completions HTTP/1.1\r\nHost: x\r\n");  // and never finishes
  EXPECT_EQ(slow.read_until_closed(), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(BadRequests, ASlowBodyIsCutOffByTheRequestTimeoutNotTheHeaderTimeout) {
  // Headers in time, then a body that never comes: the suite's server gives
  // the whole request 2 s, more than the 1 s for headers.
  const auto start = std::chrono::steady_clock::now();
  HttpClient slow(server().port());
  slow.send_raw("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{");
  EXPECT_EQ(slow.read_until_closed(), "");
  const auto open_for = std::chrono::steady_clock::now() - start;
  EXPECT_GT(open_for, std::chrono::milliseconds(1500));
  EXPECT_LT(open_for, std::chrono::seconds(8));
}

}  // namespace
}  // namespace sbench::test
