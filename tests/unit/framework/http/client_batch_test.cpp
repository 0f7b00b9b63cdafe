#include <gtest/gtest.h>

#include <vector>

#include "sbench/http/client.hpp"
#include "support/bounded.hpp"
#include "support/raw_responses.hpp"
#include "support/scripted_server.hpp"

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
using testing::bounded;
using testing::ScriptedConnection;
using testing::ScriptedServer;
using Clock = std::chrono::steady_clock;

// Each stream takes 5 x 40 ms: run one after another, 100 would take 20 s.
TEST(ClientBatch, OneClientThreadDrivesManyConcurrentStreams) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request()) {
      connection.write(testing::chunked_stream_head());
      for (int token = 0; token < 5; ++token) {
        connection.pause(milliseconds(40));
        connection.write(testing::chunk("data: {\"token\":0}\n\n"));
      }
      connection.write(testing::chunk("data: [DONE]\n\n") + std::string(testing::kLastChunk));
    }
  });
  Client client;
  constexpr std::size_t kStreams = 100;
  std::vector<Request> requests(kStreams, bounded(post_json_stream("/", "{}")));
  const auto start = Clock::now();
  const auto responses = client.run_batch(server.endpoint(), std::move(requests));
  EXPECT_LT(testing::since(start), milliseconds(2000));
  ASSERT_EQ(responses.size(), kStreams);
  for (const Response& response : responses) {
    EXPECT_TRUE(response.ok()) << response.error.message;
    EXPECT_EQ(response.events.size(), 6u);
  }
  EXPECT_EQ(count_errors(responses).total(), 0u);
  EXPECT_EQ(server.accepted(), kStreams);
}

TEST(ClientBatch, RequestsGoOutAtTheirScheduledTimes) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(testing::json_response("{}"));
  });
  Client client;
  const auto start = Clock::now() + milliseconds(50);
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) {
    requests.push_back(bounded(get("/")));
    requests.back().scheduled_send = start + milliseconds(60 * i);
  }
  const auto responses = client.run_batch(server.endpoint(), std::move(requests));
  for (int i = 0; i < 5; ++i) {
    const RequestTiming& timing = responses[i].timing;
    ASSERT_TRUE(responses[i].ok());
    EXPECT_EQ(timing.scheduled, start + milliseconds(60 * i));
    EXPECT_GE(timing.send_delay(), Clock::duration::zero());
    EXPECT_LT(timing.send_delay(), milliseconds(20));
    EXPECT_GE(timing.latency(), timing.done - timing.sent);
  }
}

// Requests scheduled ahead connect while they wait: at their send time each
// has a connection of its own, so none is late by a connect.
TEST(ClientBatch, RequestsScheduledAheadConnectWhileTheyWait) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(testing::json_response("{}"));
  });
  Client client;
  const auto start = Clock::now() + milliseconds(100);
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) {
    requests.push_back(bounded(get("/")));
    requests.back().scheduled_send = start;
  }
  const auto responses = client.run_batch(server.endpoint(), std::move(requests));
  for (const Response& response : responses) {
    ASSERT_TRUE(response.ok());
    EXPECT_TRUE(response.reused_connection) << "connected before its send time";
  }
  EXPECT_EQ(server.accepted(), 5u) << "one connection each, opened ahead";
}

// Latency starts at the scheduled time: time the client was late counts.
TEST(ClientBatch, LatencyIncludesTimeTheClientWasLate) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(testing::json_response("{}"));
  });
  Client client;
  Request request = bounded(get("/"));
  request.scheduled_send = Clock::now() - milliseconds(100);
  const Response response = client.send(server.endpoint(), request);
  ASSERT_TRUE(response.ok());
  EXPECT_GE(response.timing.send_delay(), milliseconds(100));
  EXPECT_GE(response.timing.latency(), milliseconds(100));
}

}  // namespace
}  // namespace sbench::http
