#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sbench/http/sse.hpp"

namespace sbench::http {
namespace {

using std::chrono::milliseconds;
const std::chrono::steady_clock::time_point t0{};

std::vector<SseEvent> parse(std::string_view stream) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed(stream, t0, events);
  return events;
}

// Feeds one byte at a time: every split point a TCP read could produce.
std::vector<SseEvent> parse_bytewise(std::string_view stream) {
  SseParser parser;
  std::vector<SseEvent> events;
  for (std::size_t i = 0; i < stream.size(); ++i)
    parser.feed(stream.substr(i, 1), t0 + milliseconds(i), events);
  return events;
}

std::vector<std::string> data_of(const std::vector<SseEvent>& events) {
  std::vector<std::string> data;
  for (const auto& event : events)
    data.push_back(event.data);
  return data;
}

TEST(SseParser, DataLinesEndEventsAtBlankLines) {
  const auto events = parse("data: {\"a\":1}\n\ndata: [DONE]\n\n");
  EXPECT_EQ(data_of(events), (std::vector<std::string>{"{\"a\":1}", "[DONE]"}));
  EXPECT_EQ(events[0].type, "message");
}

TEST(SseParser, MultiLineDataIsJoinedWithNewlines) {
  EXPECT_EQ(data_of(parse("data: one\ndata:two\ndata\n\n")),
            (std::vector<std::string>{"one\ntwo\n"}));
}

TEST(SseParser, EventAndIdFieldsAndComments) {
  const auto events = parse(": keep-alive\nevent: usage\nid: 7\ndata: x\n\ndata: y\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "usage");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[1].type, "message");  // the type does not carry over
  EXPECT_EQ(events[1].id, "7");          // the last event id does
}

TEST(SseParser, CrLfAndBareCrEndLines) {
  EXPECT_EQ(data_of(parse("data: a\r\n\r\ndata: b\r\rdata: c\n\n")),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
  EXPECT_TRUE(parse("event: ping\n\n: only a comment\n\n").empty());
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: {\"token\":1}\r\n\r\n: c\r\nevent: e\r\ndata: a\r\ndata: b\r\n\r\ndata: [DONE]\r\r";
  const auto whole = parse(stream);
  const auto split = parse_bytewise(stream);
  EXPECT_EQ(data_of(whole), (std::vector<std::string>{"{\"token\":1}", "a\nb", "[DONE]"}));
  EXPECT_EQ(data_of(split), data_of(whole));
  EXPECT_EQ(split[1].type, "e");
}

TEST(SseParser, EventIsStampedWithTheReadThatCompletedIt) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed("data: partial", t0 + milliseconds(1), events);
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(parser.mid_event());
  parser.feed("\n\n", t0 + milliseconds(9), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].arrived, t0 + milliseconds(9));
  EXPECT_FALSE(parser.mid_event());
}

TEST(SseParser, StreamEndingInsideAnEventIsMidEvent) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed("data: a\n", t0, events);
  EXPECT_TRUE(parser.mid_event());
}

}  // namespace
}  // namespace sbench::http
