#include <gtest/gtest.h>

#include "sbench/http/client.hpp"
#include "support/bounded.hpp"
#include "support/raw_responses.hpp"
#include "support/scripted_server.hpp"

namespace sbench::http {
namespace {

using testing::bounded;
using testing::json_response;
using testing::ScriptedConnection;
using testing::ScriptedServer;

TEST(ClientKeepAlive, SequentialRequestsShareOneConnection) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(json_response(R"({"ok":true})"));
  });
  Client client;
  for (int i = 0; i < 5; ++i) {
    const Response response = client.send(server.endpoint(), bounded(post_json("/x", "{}")));
    ASSERT_TRUE(response.ok()) << response.error.message;
    EXPECT_EQ(response.body, R"({"ok":true})");
    EXPECT_EQ(response.reused_connection, i > 0);
  }
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().connections_reused, 4u);
}

TEST(ClientKeepAlive, ConnectionCloseIsHonoured) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(
          testing::sized_response(200, "application/json", "{}", "Connection: close\r\n"));
  });
  Client client;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(client.send(server.endpoint(), bounded(get("/"))).ok());
  EXPECT_EQ(server.accepted(), 3u);
}

// A server may drop an idle keep-alive connection without saying so; the
// request that finds it dead goes out again on a new one.
TEST(ClientKeepAlive, StaleConnectionIsReplacedTransparently) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(json_response("{}"));
  });
  Client client;
  ASSERT_TRUE(client.send(server.endpoint(), bounded(get("/"))).ok());
  const Response second = client.send(server.endpoint(), bounded(get("/")));
  EXPECT_TRUE(second.ok()) << second.error.message;
  EXPECT_FALSE(second.reused_connection);
  EXPECT_EQ(server.accepted(), 2u);
}

TEST(ClientKeepAlive, RequestCarriesMethodTargetHeadersAndJsonBody) {
  std::string seen;
  ScriptedServer server([&seen](ScriptedConnection& connection) {
    if (connection.read_request()) {
      seen = connection.last_request();
      connection.write(json_response("{}"));
    }
  });
  Client client;
  Request request = bounded(post_json("/v1/agents", R"({"id":"a1"})"));
  request.headers.push_back({"X-Trace", "42"});
  ASSERT_TRUE(client.send(server.endpoint(), request).ok());
  EXPECT_TRUE(seen.starts_with("POST /v1/agents HTTP/1.1\r\n")) << seen;
  EXPECT_NE(seen.find("X-Trace: 42\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_TRUE(seen.ends_with("\r\n\r\n{\"id\":\"a1\"}"));
}

}  // namespace
}  // namespace sbench::http
