// Keep-alive: one connection carries many requests, streamed ones included,
// until it has been idle too long.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "server_suite.hpp"
#include "sse_events.hpp"

namespace sbench::test {
namespace {

class Connections : public ServerSuite {};

TEST_F(Connections, OneConnectionCarriesManyRequests) {
  HttpClient connection(server().port());
  EXPECT_EQ(connection.request("GET", "/health").status, 200);
  const std::string agent =
      connection.post_json("/v1/agents", nlohmann::json::object()).json()["id"];
  const HttpResult streamed = connection.post_json(
      "/v1/agents/" + agent + "/generate", {{"prompt", "a"}, {"max_tokens", 3}, {"stream", true}});
  EXPECT_EQ(sse_data(streamed.body).back(), "[DONE]");
  expect_error(connection.request("GET", "/nowhere"), 404);
  EXPECT_EQ(connection.request("GET", "/v1/models").status, 200);
  EXPECT_EQ(connection.request("GET", "/metrics").status, 200);
}

TEST_F(Connections, LargeBodyWithExpectContinueIsAccepted) {
  HttpClient connection(server().port());
  const std::string body =
      nlohmann::json{{"prompt", std::string(300, 'b')}, {"max_tokens", 1}}.dump();
  connection.send_raw(
      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  connection.send_raw(body);
  const std::string answer = connection.read_until_closed();
  EXPECT_EQ(answer.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK", 0), 0u) << answer;
}

TEST_F(Connections, TheDefaultsServeOneClientWithAThousandConnectionsAtOnce) {
  constexpr int kStreams = 1000;
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < kStreams + 64) {
    limit.rlim_cur = std::min<rlim_t>(kStreams + 64, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < kStreams + 64)
    GTEST_SKIP() << "this process may open only " << limit.rlim_cur << " files";
  std::vector<std::unique_ptr<HttpClient>> open;
  for (int i = 0; i < kStreams; ++i) {
    open.push_back(std::make_unique<HttpClient>(server().port()));
    ASSERT_EQ(open.back()->request("GET", "/health").status, 200) << "connection " << i;
  }
  // All still open and served, the first as the last.
  EXPECT_EQ(open.front()->request("GET", "/v1/models").status, 200);
  EXPECT_EQ(open.back()->request("GET", "/v1/models").status, 200);
}

TEST_F(Connections, IdleConnectionIsClosedAfterTheIdleTimeout) {
  // The suite's server closes connections idle for 2 s.
  HttpClient connection(server().port());
  EXPECT_EQ(connection.request("GET", "/health").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(connection.read_until_closed(), "");
  const auto idle = std::chrono::steady_clock::now() - start;
  EXPECT_GT(idle, std::chrono::milliseconds(1500));
  EXPECT_LT(idle, std::chrono::seconds(10));
}

}  // namespace
}  // namespace sbench::test
