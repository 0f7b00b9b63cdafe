// The limits a user sets on connections (docs/SERVER_API.md, "Limits and
// safety"), against a server started with small ones.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "server_suite.hpp"

namespace sbench::test {
namespace {

constexpr int kMaxConnections = 3;

class ConnectionLimits : public ::testing::Test {
 protected:
  TempDir cache;
  SpawnedServer server{
      tiny_server_args(cache.path(), {"--max-connections", std::to_string(kMaxConnections),
                                      "--max-header-bytes", "1024", "--idle-timeout", "30"})};

  // The value of a /metrics line, or -1 when absent.
  double metric(const std::string& name) {
    const std::string text = HttpClient(server.port()).request("GET", "/metrics").body;
    const std::string prefix = "\n" + name + " ";
    const std::size_t at = text.find(prefix);
    return at == std::string::npos ? -1 : std::stod(text.substr(at + prefix.size()));
  }
};

TEST_F(ConnectionLimits, PastMaxConnectionsTheNextGets429AndIsServedOnceOneCloses) {
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < kMaxConnections; ++i) {
    held.push_back(std::make_unique<HttpClient>(server.port()));
    ASSERT_EQ(held.back()->request("GET", "/health").status, 200);  // accepted and counted
  }
  const HttpResult refused = HttpClient(server.port()).request("GET", "/health");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("--max-connections (3)"),
            std::string::npos)
      << refused.body;
  // The connections held are still served.
  for (const auto& connection : held)
    EXPECT_EQ(connection->request("GET", "/v1/models").status, 200);

  held.pop_back();  // one closes: the next connection is served
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while ((status = HttpClient(server.port()).request("GET", "/health").status) == 429 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(status, 200);
  held.pop_back();  // room for the /metrics connection itself
  EXPECT_GE(metric("sbench_http_connections_refused_total"), 1);
}

TEST_F(ConnectionLimits, HeadersOverTheLimitAre431AndTheConnectionCloses) {
  HttpClient connection(server.port());
  connection.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(2000, 'p') +
                      "\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = connection.read_until_closed();
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0u) << answer;
  EXPECT_NE(answer.find("larger than 1024 bytes"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << "the second request was served";
  EXPECT_EQ(HttpClient(server.port()).request("GET", "/health").status, 200);
}

TEST_F(ConnectionLimits, OpenConnectionsAreAGauge) {
  HttpClient first(server.port());
  ASSERT_EQ(first.request("GET", "/health").status, 200);
  // This one and the one /metrics is read on.
  EXPECT_EQ(metric("sbench_http_connections_open"), 2);
}

}  // namespace
}  // namespace sbench::test
