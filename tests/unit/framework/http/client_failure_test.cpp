#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <thread>

#include "sbench/http/client.hpp"
#include "support/bounded.hpp"
#include "support/raw_responses.hpp"
#include "support/scripted_server.hpp"

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::bounded;
using testing::ScriptedConnection;
using testing::ScriptedServer;
using testing::since;
using testing::sized_response;
using Clock = std::chrono::steady_clock;

// A server that answers every request with `response`.
ScriptedServer answering(std::string response) {
  return ScriptedServer([response](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(response);
  });
}

TEST(ClientFailures, SlowHeadersHitTheIdleTimeoutInTime) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.pause(seconds(30));
  });
  Client client;
  Request request = bounded(get("/"));
  request.timeouts.idle = milliseconds(200);
  const auto start = Clock::now();
  const Response response = client.send(server.endpoint(), request);
  EXPECT_EQ(response.error.kind, ErrorKind::idle_timeout) << response.error.message;
  EXPECT_GE(since(start), milliseconds(190));
  EXPECT_LT(since(start), seconds(2));
  EXPECT_EQ(client.stats().errors[ErrorKind::idle_timeout], 1u);
}

TEST(ClientFailures, TrickleCannotOutliveTheTotalTimeout) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (!connection.read_request())
      return;
    connection.write(testing::chunked_stream_head());
    for (int i = 0; i < 300; ++i) {
      connection.write(testing::chunk(": still here\n"));
      connection.pause(milliseconds(20));
    }
  });
  Client client;
  Request request = bounded(post_json_stream("/", "{}"));
  request.timeouts.total = milliseconds(300);
  const auto start = Clock::now();
  const Response response = client.send(server.endpoint(), request);
  EXPECT_EQ(response.error.kind, ErrorKind::total_timeout) << response.error.message;
  EXPECT_LT(since(start), seconds(2));
}

TEST(ClientFailures, InvalidJson) {
  ScriptedServer server = answering(testing::json_response("{\"truncated\": "));
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json("/", "{}")));
  EXPECT_EQ(response.error.kind, ErrorKind::invalid_json);
  EXPECT_EQ(response.status, 200);
}

TEST(ClientFailures, WrongContentType) {
  ScriptedServer server = answering(sized_response(200, "text/html", "<html></html>"));
  Client client;
  EXPECT_EQ(client.send(server.endpoint(), bounded(post_json("/", "{}"))).error.kind,
            ErrorKind::wrong_content_type);
  EXPECT_EQ(client.send(server.endpoint(), bounded(post_json_stream("/", "{}"))).error.kind,
            ErrorKind::wrong_content_type);
  EXPECT_TRUE(client.send(server.endpoint(), bounded(get("/"))).ok());
}

TEST(ClientFailures, ConnectionResetMidBody) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (!connection.read_request())
      return;
    connection.write(
        testing::response_head(200, "application/json", "Content-Length: 100\r\n\r\n") +
        "{\"partial\"");
    connection.pause(milliseconds(50));
    connection.reset();
  });
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json("/", "{}")));
  EXPECT_EQ(response.error.kind, ErrorKind::connection_reset) << response.error.message;
}

TEST(ClientFailures, ConnectionClosedMidBody) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(
          testing::response_head(200, "application/json", "Content-Length: 100\r\n\r\n") +
          "{\"partial\"");
  });
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json("/", "{}")));
  EXPECT_EQ(response.error.kind, ErrorKind::connection_closed) << response.error.message;
}

TEST(ClientFailures, GarbageIsAProtocolError) {
  ScriptedServer server = answering("SPDY/9 what\r\n\r\n");
  Client client;
  EXPECT_EQ(client.send(server.endpoint(), bounded(get("/"))).error.kind,
            ErrorKind::protocol_error);
}

TEST(ClientFailures, RefusedConnection) {
  Endpoint closed;
  {
    ScriptedServer server([](ScriptedConnection&) {});
    closed = server.endpoint();
  }
  Client client;
  EXPECT_EQ(client.send(closed, bounded(get("/"))).error.kind, ErrorKind::connect_failed);
}

TEST(ClientFailures, RateLimitedExposesRetryAfterSeconds) {
  ScriptedServer server = answering(
      sized_response(429, "application/json", R"({"error":"slow down"})", "Retry-After: 7\r\n"));
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json("/", "{}")));
  EXPECT_EQ(response.error.kind, ErrorKind::rate_limited);
  EXPECT_EQ(response.retry_after, seconds(7));
  EXPECT_NE(response.error.message.find("slow down"), std::string::npos);
  EXPECT_EQ(response.attempts, 1);
}

TEST(ClientFailures, UnavailableExposesRetryAfterDate) {
  char date[64];
  const std::time_t in_ten_seconds = std::time(nullptr) + 10;
  std::tm parts{};
  gmtime_r(&in_ten_seconds, &parts);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  ScriptedServer server = answering(
      sized_response(503, "application/json", "{}", std::string("Retry-After: ") + date + "\r\n"));
  Client client;
  const Response response = client.send(server.endpoint(), bounded(get("/")));
  EXPECT_EQ(response.error.kind, ErrorKind::unavailable);
  ASSERT_TRUE(response.retry_after);
  EXPECT_GT(*response.retry_after, seconds(8));
  EXPECT_LE(*response.retry_after, seconds(10));
}

TEST(ClientFailures, RetryPolicyResendsAfterRetryAfter) {
  std::atomic<int> served{0};
  ScriptedServer server([&served](ScriptedConnection& connection) {
    while (connection.read_request()) {
      connection.write(++served == 1
                           ? sized_response(429, "application/json", "{}", "Retry-After: 0\r\n")
                           : testing::json_response("{}"));
    }
  });
  Client client({.retry = {.max_attempts = 3}});
  const Response response = client.send(server.endpoint(), bounded(get("/")));
  EXPECT_TRUE(response.ok()) << response.error.message;
  EXPECT_EQ(response.attempts, 2);
}

TEST(ClientFailures, RetriesStopAtMaxAttempts) {
  ScriptedServer server =
      answering(sized_response(503, "application/json", "{}", "Retry-After: 0\r\n"));
  Client client({.retry = {.max_attempts = 3}});
  const Response response = client.send(server.endpoint(), bounded(get("/")));
  EXPECT_EQ(response.error.kind, ErrorKind::unavailable);
  EXPECT_EQ(response.attempts, 3);
}

TEST(ClientFailures, OtherStatusesAreHttpStatusErrors) {
  ScriptedServer server = answering(sized_response(404, "application/json", R"({"e":1})"));
  Client client;
  const Response response = client.send(server.endpoint(), bounded(get("/missing")));
  EXPECT_EQ(response.error.kind, ErrorKind::http_status);
  EXPECT_EQ(response.status, 404);
}

TEST(ClientFailures, CancellationInterruptsAWaitingRequest) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.pause(seconds(30));
  });
  Client client;
  Request request = bounded(get("/"));
  request.cancellation = CancellationToken::make();
  std::thread canceller([token = request.cancellation] {
    std::this_thread::sleep_for(milliseconds(100));
    token.cancel();
  });
  const auto start = Clock::now();
  const Response response = client.send(server.endpoint(), request);
  canceller.join();
  EXPECT_EQ(response.error.kind, ErrorKind::cancelled) << response.error.message;
  EXPECT_LT(since(start), seconds(1));
}

TEST(ClientFailures, CancellationBeforeTheScheduledTimeNeverSends) {
  // The client may connect while it waits; it must never send.
  std::atomic<bool> request_arrived{false};
  Response response;
  {
    ScriptedServer server([&](ScriptedConnection& connection) {
      if (connection.read_request())
        request_arrived = true;
    });
    Client client;
    Request request = bounded(get("/"));
    request.scheduled_send = Clock::now() + seconds(3);
    request.cancellation = CancellationToken::make();
    std::thread canceller([token = request.cancellation] {
      std::this_thread::sleep_for(milliseconds(50));
      token.cancel();
    });
    response = client.send(server.endpoint(), request);
    canceller.join();
  }  // the client closes its connections, the server reads them to the end
  EXPECT_EQ(response.error.kind, ErrorKind::cancelled);
  EXPECT_FALSE(response.timing.was_sent());
  EXPECT_FALSE(request_arrived);
}

TEST(ClientFailures, EveryFailureIsCountedByKind) {
  ScriptedServer server = answering(testing::json_response("not json"));
  Client client;
  for (int i = 0; i < 3; ++i)
    client.send(server.endpoint(), bounded(post_json("/", "{}")));
  client.send(server.endpoint(), bounded(get("/")));
  const ClientStats stats = client.stats();
  EXPECT_EQ(stats.requests_completed, 4u);
  EXPECT_EQ(stats.errors[ErrorKind::invalid_json], 3u);
  EXPECT_EQ(stats.errors.total(), 3u);
  EXPECT_EQ(stats.errors.describe(), "invalid_json=3");
}

}  // namespace
}  // namespace sbench::http
