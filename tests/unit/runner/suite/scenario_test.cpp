#include "suite/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config/toml_json.hpp"
#include "support/temp_dir.hpp"

namespace sbench::runner {
namespace {

using ::testing::HasSubstr;

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string load_error(const std::filesystem::path& directory) {
  try {
    load_suite(directory);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(LoadSuite, RendersTheSharedTemplateWithEachScenariosVars) {
  testing::TempDir dir;
  write(dir.path("templates/ask.txt"), "Tell me about {{ topic }} in {{words}} words.");
  write(dir.path("a.toml"),
        "template = \"templates/ask.txt\"\n[vars]\ntopic = \"caches\"\nwords = 5\n");
  write(dir.path("sub/b.toml"),
        "id = \"bee\"\ntemplate = \"templates/ask.txt\"\nmax_tokens = 7\nrepeats = 2\n"
        "[vars]\ntopic = \"bees\"\nwords = 9\n[[messages]]\nrole = \"system\"\ncontent = \"Be "
        "{{topic}}-brief.\"\n");
  const Suite suite = load_suite(dir.path());
  ASSERT_EQ(suite.scenarios.size(), 2u);
  const Scenario& a = suite.scenarios[0];
  EXPECT_EQ(a.id, "a");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].content, "Tell me about caches in 5 words.");
  EXPECT_EQ(a.timeout, std::chrono::seconds(180));
  const Scenario& b = suite.scenarios[1];
  EXPECT_EQ(b.id, "bee");
  EXPECT_EQ(b.max_tokens, 7);
  EXPECT_EQ(b.repeats, 2);
  ASSERT_EQ(b.messages.size(), 2u);
  EXPECT_EQ(b.messages[0].content, "Be bees-brief.");
  EXPECT_EQ(b.messages[1].role, "user");
  EXPECT_EQ(a.template_sha256, b.template_sha256);
  EXPECT_EQ(a.template_sha256.size(), 64u);
  EXPECT_NE(a.sha256, b.sha256);
}

TEST(LoadSuite, ScenarioHashIgnoresTheTemplatesBytesButTemplateHashDoesNot) {
  testing::TempDir dir;
  write(dir.path("templates/t.txt"), "v1 {{x}}");
  write(dir.path("s.toml"), "template = \"templates/t.txt\"\n[vars]\nx = 1\n");
  const Scenario before = load_suite(dir.path()).scenarios[0];
  write(dir.path("templates/t.txt"), "v2 {{x}}");
  const Scenario after = load_suite(dir.path()).scenarios[0];
  EXPECT_EQ(before.sha256, after.sha256);
  EXPECT_NE(before.template_sha256, after.template_sha256);
  write(dir.path("s.toml"), "template = \"templates/t.txt\"\nrepeats = 3\n[vars]\nx = 1\n");
  // More repeats keep the first repeat's key: repeats are not in the hash.
  EXPECT_EQ(load_suite(dir.path()).scenarios[0].sha256, after.sha256);
  write(dir.path("s.toml"), "template = \"templates/t.txt\"\n[vars]\nx = 2\n");
  EXPECT_NE(load_suite(dir.path()).scenarios[0].sha256, after.sha256);
}

TEST(LoadSuite, ErrorsNameTheFileTheKeyAndTheExpectation) {
  testing::TempDir dir;
  write(dir.path("s.toml"),
        "max_tokens = \"many\"\n[[messages]]\nrole = \"user\"\ncontent = \"hi\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("s.toml: max_tokens: expected an integer"));
  write(dir.path("s.toml"), "max_tokenz = 3\n[[messages]]\nrole = \"user\"\ncontent = \"hi\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("max_tokenz: unknown key"));
  write(dir.path("s.toml"), "[[messages]]\nrole = \"user\"\ncontent = \"{{nope}}\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("{{nope}} is not in [vars]"));
  write(dir.path("s.toml"), "[[messages]]\nrole = \"robot\"\ncontent = \"x\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("messages[0].role: expected one of system"));
  write(dir.path("s.toml"), "template = \"missing.txt\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("template: cannot read"));
  write(dir.path("s.toml"),
        "[[messages]]\nrole = \"user\"\ncontent = \"x\"\n[[checks]]\nregex = \"(\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("checks[0].regex: expected a valid"));
  write(dir.path("s.toml"), "x = [\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("s.toml: invalid TOML at line"));
  write(dir.path("s.toml"), "[[messages]]\nrole = \"user\"\ncontent = \"x\"\n");
  write(dir.path("t.toml"), "id = \"s\"\n[[messages]]\nrole = \"user\"\ncontent = \"y\"\n");
  EXPECT_THAT(load_error(dir.path()), HasSubstr("id \"s\" is already used by"));
}

TEST(AnswerChecks, EachKindPassesAndFailsOnItsOwnCondition) {
  auto check = [](const std::string& toml) {
    const std::string text = "[[checks]]\n" + toml + "\n";
    testing::TempDir dir;
    write(dir.path("s.toml"), "[[messages]]\nrole = \"user\"\ncontent = \"x\"\n" + text);
    return load_suite(dir.path()).scenarios[0].checks;
  };
  EXPECT_TRUE(run_checks(check("contains = \"cache\""), "a cache hit").passed);
  EXPECT_FALSE(run_checks(check("contains = \"cache\""), "a miss").passed);
  EXPECT_TRUE(run_checks(check("regex = \"^[0-9]+$\""), "123").passed);
  EXPECT_FALSE(run_checks(check("regex = \"^[0-9]+$\""), "12a").passed);
  EXPECT_TRUE(run_checks(check("exact = \"42\""), "  42\n").passed);
  EXPECT_FALSE(run_checks(check("exact = \"42\""), "420").passed);
  const auto keys = check("json_keys = [\"name\", \"age\"]");
  EXPECT_TRUE(run_checks(keys, "```json\n{\"name\": \"a\", \"age\": 3}\n```").passed);
  const CheckOutcome missing = run_checks(keys, "{\"name\": \"a\"}");
  EXPECT_FALSE(missing.passed);
  EXPECT_THAT(missing.failures[0], HasSubstr("lacks key \"age\""));
  EXPECT_FALSE(run_checks(keys, "not json").passed);
  const auto number = check("number = 3.14\ntolerance = 0.01");
  EXPECT_TRUE(run_checks(number, "pi is about 3.141").passed);
  EXPECT_FALSE(run_checks(number, "pi is about 3.2").passed);
  EXPECT_FALSE(run_checks(number, "pi is about pie").passed);
}

}  // namespace
}  // namespace sbench::runner
