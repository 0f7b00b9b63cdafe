#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sbench/http/client.hpp"
#include "support/bounded.hpp"
#include "support/raw_responses.hpp"
#include "support/scripted_server.hpp"

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
using testing::bounded;
using testing::chunk;
using testing::kLastChunk;
using testing::ScriptedConnection;
using testing::ScriptedServer;

const std::string kThreeTokensAndDone =
    "data: {\"token\":1}\n\ndata: {\"token\":2}\n\ndata: {\"token\":3}\n\ndata: [DONE]\n\n";

std::vector<std::string> data_of(const Response& response) {
  std::vector<std::string> data;
  for (const auto& event : response.events)
    data.push_back(event.data);
  return data;
}

const std::vector<std::string> kExpectedData{"{\"token\":1}", "{\"token\":2}", "{\"token\":3}",
                                             "[DONE]"};

TEST(ClientStreams, ChunkedStreamCompletesAndKeepsTheConnection) {
  ScriptedServer server([](ScriptedConnection& connection) {
    while (connection.read_request())
      connection.write(testing::chunked_stream_head() + chunk(kThreeTokensAndDone) +
                       std::string(kLastChunk));
  });
  Client client;
  for (int i = 0; i < 2; ++i) {
    const Response response = client.send(server.endpoint(), bounded(post_json_stream("/", "{}")));
    ASSERT_TRUE(response.ok()) << response.error.message;
    EXPECT_EQ(data_of(response), kExpectedData);
    EXPECT_TRUE(response.body.empty());
  }
  EXPECT_EQ(server.accepted(), 1u);
}

TEST(ClientStreams, CloseFramedStreamCompletes) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(testing::close_framed_stream_head() + kThreeTokensAndDone);
  });
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json_stream("/", "{}")));
  ASSERT_TRUE(response.ok()) << response.error.message;
  EXPECT_EQ(data_of(response), kExpectedData);
}

TEST(ClientStreams, ChunkedStreamWithoutDoneIsTruncated) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(testing::chunked_stream_head() + chunk("data: {\"token\":1}\n\n") +
                       std::string(kLastChunk));
  });
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json_stream("/", "{}")));
  EXPECT_EQ(response.error.kind, ErrorKind::truncated_stream);
  EXPECT_EQ(response.events.size(), 1u);
}

TEST(ClientStreams, CloseFramedStreamWithoutDoneIsTruncated) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(testing::close_framed_stream_head() + "data: {\"token\":1}\n\n");
  });
  Client client;
  EXPECT_EQ(client.send(server.endpoint(), bounded(post_json_stream("/", "{}"))).error.kind,
            ErrorKind::truncated_stream);
}

TEST(ClientStreams, StreamCutInsideAnEventIsTruncatedEvenWithoutAFinalEvent) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (connection.read_request())
      connection.write(testing::close_framed_stream_head() + "data: {\"tok");
  });
  Client client;
  Request request = bounded(post_json_stream("/", "{}"));
  request.is_final_event = nullptr;
  EXPECT_EQ(client.send(server.endpoint(), request).error.kind, ErrorKind::truncated_stream);
}

// One byte per write and read: chunk sizes, CRLFs and SSE fields all split.
TEST(ClientStreams, EventsSplitAtEveryByteBoundary) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (!connection.read_request())
      return;
    const std::string wire = testing::chunked_stream_head() +
                             chunk("data: {\"token\":1}\r\n\r\ndata: {\"tok") +
                             chunk("en\":2}\r\n\r\ndata: {\"token\":3}\r") +
                             chunk("\n\r\ndata: [DONE]\r\n\r\n") + std::string(kLastChunk);
    for (char byte : wire) {
      connection.write(std::string(1, byte));
      connection.pause(milliseconds(1));
    }
  });
  Client client;
  const Response response = client.send(server.endpoint(), bounded(post_json_stream("/", "{}")));
  ASSERT_TRUE(response.ok()) << response.error.message;
  EXPECT_EQ(data_of(response), kExpectedData);
}

TEST(ClientStreams, EventsAreStampedAsTheyArrive) {
  ScriptedServer server([](ScriptedConnection& connection) {
    if (!connection.read_request())
      return;
    connection.write(testing::chunked_stream_head());
    for (int token = 1; token <= 3; ++token) {
      connection.pause(milliseconds(100));
      connection.write(chunk("data: {\"token\":" + std::to_string(token) + "}\n\n"));
    }
    connection.write(chunk("data: [DONE]\n\n") + std::string(kLastChunk));
  });
  Client client;
  std::vector<std::string> seen_live;
  Request request = bounded(post_json_stream("/", "{}"));
  request.on_event = [&seen_live](const SseEvent& event) { seen_live.push_back(event.data); };
  const Response response = client.send(server.endpoint(), request);
  ASSERT_TRUE(response.ok()) << response.error.message;
  ASSERT_EQ(response.events.size(), 4u);
  EXPECT_EQ(seen_live, data_of(response));
  const auto& timing = response.timing;
  EXPECT_LE(timing.scheduled, timing.sent);
  EXPECT_LE(timing.sent, timing.first_byte);
  EXPECT_LE(timing.first_byte, response.events[0].arrived);
  EXPECT_GE(response.events[0].arrived - timing.sent, milliseconds(90));
  EXPECT_GE(response.events[1].arrived - response.events[0].arrived, milliseconds(90));
  EXPECT_GE(response.events[2].arrived - response.events[1].arrived, milliseconds(90));
  EXPECT_EQ(timing.done, response.events[3].arrived);
}

}  // namespace
}  // namespace sbench::http
