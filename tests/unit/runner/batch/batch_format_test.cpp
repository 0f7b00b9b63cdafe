#include "batch/batch_format.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace sbench::runner {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kRocket = "\xF0\x9F\x9A\x80";  // 4 bytes of UTF-8, one character

json valid_fields() {
  return {{"custom_id", "request-1"},
          {"method", "POST"},
          {"url", "/v1/chat/completions"},
          {"body", {{"model", "m"}, {"max_tokens", 8}}}};
}

std::string line_with(const std::string& key, const json& value) {
  json fields = valid_fields();
  fields[key] = value;
  return fields.dump();
}

std::string line_without(const std::string& key) {
  json fields = valid_fields();
  fields.erase(key);
  return fields.dump();
}

BatchRequest request_of(std::string_view line) {
  ParsedLine parsed = parse_batch_line(line, 1);
  if (auto* problem = std::get_if<LineProblem>(&parsed)) {
    ADD_FAILURE() << "refused: " << problem->code << ": " << problem->message;
    return {};
  }
  return std::get<BatchRequest>(std::move(parsed));
}

LineProblem problem_of(std::string_view line, std::size_t line_number = 17) {
  ParsedLine parsed = parse_batch_line(line, line_number);
  if (std::holds_alternative<BatchRequest>(parsed)) {
    ADD_FAILURE() << "accepted: " << line.substr(0, 200);
    return {};
  }
  return std::get<LineProblem>(std::move(parsed));
}

// An output or error line parsed back, after checking that it is exactly one line.
json parsed_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  return json::parse(line);
}

std::string without_newline(std::string line) {
  if (!line.empty() && line.back() == '\n')
    line.pop_back();
  return line;
}

TEST(ParseBatchLine, ReadsTheFourFieldsOfAValidLine) {
  const BatchRequest request =
      request_of(R"({"custom_id": "request-1", "method": "POST", "url": "/v1/chat/completions",)"
                 R"( "body": {"model": "m", "messages": [{"role": "user", "content": "hi"}]}})");
  EXPECT_EQ(request.custom_id, "request-1");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "/v1/chat/completions");
  EXPECT_EQ(request.body["model"], "m");
  EXPECT_EQ(request.body["messages"][0]["content"], "hi");
}

TEST(ParseBatchLine, AcceptsEverySupportedUrlAndAWindowsLineEnding) {
  for (const std::string url : {"/v1/chat/completions", "/v1/completions", "/v1/embeddings"}) {
    EXPECT_TRUE(is_supported_batch_url(url));
    EXPECT_EQ(request_of(line_with("url", url) + "\r").url, url);
  }
}

TEST(ParseBatchLine, ReportsTextThatIsNotJsonWithTheLineNumberAndPosition) {
  const LineProblem problem = problem_of(R"({"custom_id": "a", "method": POST})", 17);
  EXPECT_EQ(problem.code, "invalid_json");
  EXPECT_EQ(problem.custom_id, "");
  EXPECT_THAT(problem.message, StartsWith("line 17: invalid JSON at column "));
  EXPECT_THAT(problem.message, HasSubstr("invalid literal"));
}

TEST(ParseBatchLine, ReportsJsonThatIsNotAnObject) {
  EXPECT_EQ(problem_of("[1, 2]", 3).message, "line 3: expected a JSON object, got array");
  EXPECT_EQ(problem_of("[1, 2]", 3).code, "invalid_json");
  EXPECT_EQ(problem_of(R"("request-1")").code, "invalid_json");
}

TEST(ParseBatchLine, QuotesOnlyAFewDozenBytesOfABrokenMultiMegabyteLine) {
  const LineProblem unterminated =
      problem_of(R"({"custom_id": ")" + std::string(1'000'000, 'x'), 2);
  EXPECT_EQ(unterminated.code, "invalid_json");
  EXPECT_THAT(unterminated.message, StartsWith("line 2: "));
  EXPECT_THAT(unterminated.message, HasSubstr("missing closing quote"));
  EXPECT_LT(unterminated.message.size(), 400u);

  // Too large for a double: nlohmann reports this as out_of_range, not parse_error.
  const LineProblem overflow =
      problem_of(R"({"custom_id": "a", "body": 1)" + std::string(1'000'000, '0') + "}", 3);
  EXPECT_EQ(overflow.code, "invalid_json");
  EXPECT_THAT(overflow.message, StartsWith("line 3: "));
  EXPECT_THAT(overflow.message, HasSubstr("number overflow"));
  EXPECT_LT(overflow.message.size(), 400u);
}

TEST(ParseBatchLine, KeepsMessagesValidUtf8WhenTheLineIsNot) {
  const LineProblem problem = problem_of("{\"custom_id\": \"\xFF\xFE\"}");
  EXPECT_EQ(problem.code, "invalid_json");
  EXPECT_NO_THROW(json(problem.message).dump()) << problem.message;
}

TEST(ParseBatchLine, RefusesNestingThatWouldOverflowTheStack) {
  const LineProblem problem =
      problem_of(std::string(1'000'000, '[') + std::string(1'000'000, ']'), 8);
  EXPECT_EQ(problem.code, "invalid_json");
  EXPECT_THAT(problem.message, StartsWith("line 8: "));
  EXPECT_THAT(problem.message, HasSubstr("nested"));

  // The line object and the body count as two levels.
  const auto body_nested = [](int arrays) {
    return R"({"custom_id": "deep", "method": "POST", "url": "/v1/completions", "body": {"a": )" +
           std::string(arrays, '[') + std::string(arrays, ']') + "}}";
  };
  EXPECT_TRUE(request_of(body_nested(kMaxJsonDepth - 2)).body.is_object());
  EXPECT_EQ(problem_of(body_nested(kMaxJsonDepth - 1)).code, "invalid_json");
}

TEST(ParseBatchLine, DoesNotCountBracketsInsideStringsAsNesting) {
  const std::string brackets = "\"" + std::string(2 * kMaxJsonDepth, '[');
  const BatchRequest request = request_of(line_with("body", {{"prompt", brackets}}));
  EXPECT_EQ(request.body["prompt"], brackets);
}

TEST(ParseBatchLine, ReportsAMissingCustomId) {
  const LineProblem problem = problem_of(line_without("custom_id"), 5);
  EXPECT_EQ(problem.code, "missing_custom_id");
  EXPECT_EQ(problem.custom_id, "");
  EXPECT_EQ(problem.message, "line 5: custom_id is missing");
}

TEST(ParseBatchLine, ReportsACustomIdThatIsNotANonEmptyStringOfAtMost512Bytes) {
  for (const json& id : {json(42), json(""), json(nullptr), json(std::string(513, 'x')),
                         json::array({"request-1"})}) {
    const LineProblem problem = problem_of(line_with("custom_id", id), 6);
    EXPECT_EQ(problem.code, "invalid_custom_id") << id;
    EXPECT_EQ(problem.custom_id, "") << id;
    EXPECT_THAT(problem.message, StartsWith("line 6: custom_id ")) << id;
  }
}

TEST(ParseBatchLine, CountsTheCustomIdLimitInBytesNotCharacters) {
  std::string rockets_512_bytes;
  for (int i = 0; i < 128; ++i)
    rockets_512_bytes += kRocket;
  EXPECT_EQ(request_of(line_with("custom_id", rockets_512_bytes)).custom_id, rockets_512_bytes);
  EXPECT_EQ(problem_of(line_with("custom_id", rockets_512_bytes + kRocket)).code,
            "invalid_custom_id");
  EXPECT_EQ(request_of(line_with("custom_id", std::string(512, 'x'))).custom_id.size(), 512u);
}

TEST(ParseBatchLine, ReportsAMethodOtherThanPostAndKeepsTheCustomId) {
  for (const json& method : {json("GET"), json("post"), json(1)}) {
    const LineProblem problem = problem_of(line_with("method", method), 7);
    EXPECT_EQ(problem.code, "invalid_method") << method;
    EXPECT_EQ(problem.custom_id, "request-1") << method;
    EXPECT_THAT(problem.message, StartsWith("line 7: method must be \"POST\"")) << method;
  }
  EXPECT_THAT(problem_of(line_with("method", "GET")).message, HasSubstr("\"GET\""));
  EXPECT_EQ(problem_of(line_without("method")).code, "invalid_method");
}

TEST(ParseBatchLine, ReportsAnUnsupportedUrlAndListsTheSupportedOnes) {
  for (const json& url : {json("/v1/responses"), json("/v1/chat/completions?stream=true"),
                          json("https://api.openai.com/v1/chat/completions"),
                          json("/v1/chat/completions/"), json(42)}) {
    const LineProblem problem = problem_of(line_with("url", url), 8);
    EXPECT_EQ(problem.code, "invalid_url") << url;
    EXPECT_EQ(problem.custom_id, "request-1") << url;
    EXPECT_THAT(problem.message, StartsWith("line 8: ")) << url;
    for (const char* supported : {"/v1/chat/completions", "/v1/completions", "/v1/embeddings"})
      EXPECT_THAT(problem.message, HasSubstr(supported)) << url;
  }
  EXPECT_EQ(problem_of(line_without("url")).code, "invalid_url");
}

TEST(ParseBatchLine, ReportsABodyThatIsNotAnObject) {
  const LineProblem array = problem_of(line_with("body", json::array({1, 2})), 9);
  EXPECT_EQ(array.code, "invalid_body");
  EXPECT_EQ(array.custom_id, "request-1");
  EXPECT_EQ(array.message, "line 9: body must be a JSON object, got array");
  EXPECT_EQ(problem_of(line_with("body", "{\"model\": \"m\"}")).code, "invalid_body");
  EXPECT_EQ(problem_of(line_without("body")).code, "invalid_body");
}

TEST(ParseBatchLine, RefusesALineOver8MiBButReadsOneOfExactly8MiB) {
  const std::string head =
      R"({"custom_id": "big", "method": "POST", "url": "/v1/completions", "body": {"prompt": ")";
  const std::string tail = R"("}})";
  const auto line_of_size = [&](std::size_t bytes) {
    return head + std::string(bytes - head.size() - tail.size(), 'a') + tail;
  };

  const LineProblem too_long = problem_of(line_of_size(9 * 1024 * 1024), 4);
  EXPECT_EQ(too_long.code, "line_too_long");
  EXPECT_THAT(too_long.message, StartsWith("line 4: "));
  EXPECT_LT(too_long.message.size(), 200u);

  const std::string largest = line_of_size(kMaxBatchLineBytes);
  ASSERT_EQ(largest.size(), 8u * 1024 * 1024);
  EXPECT_EQ(request_of(largest).body["prompt"].get_ref<const std::string&>().size(),
            largest.size() - head.size() - tail.size());
}

TEST(IsBlankLine, SkipsOnlyLinesOfWhitespace) {
  EXPECT_TRUE(is_blank_line(""));
  EXPECT_TRUE(is_blank_line("   "));
  EXPECT_TRUE(is_blank_line("\r"));
  EXPECT_TRUE(is_blank_line(" \t \r\n"));
  EXPECT_FALSE(is_blank_line(" x "));
  EXPECT_FALSE(is_blank_line("{}"));
}

TEST(BatchFormat, HostileCustomIdsRoundTripThroughOneOutputLine) {
  for (const std::string& id :
       {std::string("say \"hi\""), std::string("two\nlines"), std::string("cr\r\nlf"),
        std::string("back\\slash"), "launch " + kRocket, std::string("nul\0inside", 10),
        std::string(512, 'x')}) {
    EXPECT_EQ(request_of(line_with("custom_id", id)).custom_id, id);
    const std::string line = output_line("batch_req_1", id, 200, "req-1", "{}");
    EXPECT_EQ(parsed_line(line)["custom_id"], id);
    EXPECT_EQ(custom_id_of_output_line(without_newline(line)), id);
  }
}

TEST(OutputLine, HasOpenAisShapeWithTheJsonBodyAsAnObjectAndANullError) {
  const json line = parsed_line(
      output_line("batch_req_abc", "request-1", 200, "req-9",
                  R"({"id": "chatcmpl-1", "choices": [{"message": {"content": "hi"}}]})"));
  EXPECT_EQ(line["id"], "batch_req_abc");
  EXPECT_EQ(line["custom_id"], "request-1");
  EXPECT_EQ(line["response"]["status_code"], 200);
  EXPECT_EQ(line["response"]["request_id"], "req-9");
  ASSERT_TRUE(line["response"]["body"].is_object());
  EXPECT_EQ(line["response"]["body"]["choices"][0]["message"]["content"], "hi");
  ASSERT_TRUE(line.contains("error"));
  EXPECT_TRUE(line["error"].is_null());
}

TEST(OutputLine, FoldsAPrettyPrintedBodyOntoTheOneLine) {
  const json line =
      parsed_line(output_line("batch_req_1", "r", 200, "q", "{\n  \"a\": 1,\n  \"b\": [2]\n}\n"));
  EXPECT_EQ(line["response"]["body"], json({{"a", 1}, {"b", json::array({2})}}));
}

TEST(OutputLine, EmbedsABodyThatIsNotJsonAsAString) {
  EXPECT_EQ(parsed_line(output_line("batch_req_1", "r", 200, "q",
                                    "plain text\nanswer"))["response"]["body"],
            "plain text\nanswer");
  EXPECT_EQ(parsed_line(output_line("batch_req_1", "r", 200, "q", ""))["response"]["body"], "");
}

TEST(OutputLine, EmbedsJsonTooDeepToDumpSafelyAsAString) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const json body =
      parsed_line(output_line("batch_req_1", "r", 200, "q", deep))["response"]["body"];
  ASSERT_TRUE(body.is_string());
  EXPECT_EQ(body, deep);
}

TEST(OutputLine, ReplacesBytesThatAreNotUtf8InsteadOfThrowing) {
  const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string line;
  ASSERT_NO_THROW(line = output_line("batch_req_1", "r", 200, "q", "bad \xFF\xFE bytes"));
  EXPECT_EQ(parsed_line(line)["response"]["body"], "bad " + replacement + replacement + " bytes");

  // Not UTF-8 inside a JSON string: the parser refuses it, so it goes in as text.
  ASSERT_NO_THROW(line = output_line("batch_req_1", "r", 200, "q", "{\"a\": \"\xC3\"}"));
  EXPECT_EQ(parsed_line(line)["response"]["body"], "{\"a\": \"" + replacement + "\"}");
}

TEST(ErrorLine, CarriesTheHttpResponseAndTheErrorCode) {
  const json line =
      parsed_line(error_line("batch_req_2", "request-2", "server_error", "HTTP 503", 503, "req-3",
                             R"({"error": {"message": "overloaded"}})"));
  EXPECT_EQ(line["id"], "batch_req_2");
  EXPECT_EQ(line["custom_id"], "request-2");
  EXPECT_EQ(line["response"]["status_code"], 503);
  EXPECT_EQ(line["response"]["request_id"], "req-3");
  EXPECT_EQ(line["response"]["body"]["error"]["message"], "overloaded");
  EXPECT_EQ(line["error"], json({{"code", "server_error"}, {"message", "HTTP 503"}}));
}

TEST(ErrorLine, HasANullResponseWhenNoHttpResponseCame) {
  const json line = parsed_line(error_line("batch_req_3", "request-3", "timeout",
                                           "no answer within 600 s", std::nullopt, "", ""));
  ASSERT_TRUE(line.contains("response"));
  EXPECT_TRUE(line["response"].is_null());
  EXPECT_EQ(line["error"]["code"], "timeout");
  EXPECT_EQ(line["error"]["message"], "no answer within 600 s");
}

TEST(ErrorLine, SurvivesBytesThatAreNotUtf8InEveryField) {
  std::string line;
  ASSERT_NO_THROW(line = error_line("batch_req_4", "id \xFF", "invalid_json", "near '\xC3'", 400,
                                    "req \xFE", "\xFF"));
  const json parsed = parsed_line(line);
  EXPECT_EQ(parsed["error"]["code"], "invalid_json");
  EXPECT_EQ(parsed["response"]["status_code"], 400);
  EXPECT_EQ(custom_id_of_output_line(without_newline(line)), "id \xEF\xBF\xBD");
}

TEST(CustomIdOfOutputLine, ReadsBackOutputAndErrorLinesIncludingAnEmptyId) {
  EXPECT_EQ(custom_id_of_output_line(
                without_newline(output_line("batch_req_1", "request-1", 200, "q", "{}"))),
            "request-1");
  EXPECT_EQ(custom_id_of_output_line(without_newline(
                error_line("batch_req_2", "request-2", "c", "m", std::nullopt, "", ""))),
            "request-2");
  // An input line whose custom_id could not be read still has its error line.
  EXPECT_EQ(custom_id_of_output_line(without_newline(error_line(
                "batch_req_3", "", "missing_custom_id", "line 3: ...", std::nullopt, "", ""))),
            "");
}

TEST(CustomIdOfOutputLine, RejectsGarbageAndLinesCutShortByACrash) {
  const std::string whole =
      without_newline(output_line("batch_req_1", "request-1", 200, "q", R"({"a": "bcdef"})"));
  for (std::size_t cut : {whole.size() - 1, whole.size() / 2, std::size_t{1}})
    EXPECT_EQ(custom_id_of_output_line(whole.substr(0, cut)), std::nullopt) << cut;
  for (const std::string garbage :
       {"", "garbage", "[]", "{}", R"("request-1")", R"({"custom_id": "request-1"})",
        R"({"id": "batch_req_1", "custom_id": 5, "response": null, "error": null})",
        R"({"id": 1, "custom_id": "request-1", "response": null, "error": null})"})
    EXPECT_EQ(custom_id_of_output_line(garbage), std::nullopt) << garbage;
}

}  // namespace
}  // namespace sbench::runner
