#include "sbench/reporters/merge_parts.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sbench/reporters/atomic_file.hpp"
#include "sbench/reporters/results_document.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters {
namespace {

namespace fs = std::filesystem;

nlohmann::json part(const std::string& time, const std::string& suite, double load_ms,
                    bool quick = false) {
  return {{"schema_version", results_schema_version},
          {"generator", "test"},
          {"context",
           {{"time", time},
            {"backend", "reference"},
            {"model", "small"},
            {"quick", quick},
            {"server_command", {"sbench-server"}},
            {"server_url", nullptr}}},
          {"suites", {{{"name", suite}, {"exit_code", 0}, {"finished", time}, {"invocations", 1}}}},
          {"cases",
           {{{"suite", suite},
             {"case", "load"},
             {"instance", "load/tokens:1"},
             {"status", "ok"},
             {"counters", {{"load_ms", load_ms}}}},
            {{"suite", suite},
             {"case", "save"},
             {"instance", "save/" + time},
             {"status", "skipped"},
             {"counters", nlohmann::json::object()}}}},
          {"targets", nullptr}};
}

class MergePartsTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const nlohmann::json& document) {
    write_file_atomically(dir_.path(name), document.dump());
  }
  MergedResults merge() { return merge_parts(dir_.path(), warnings_); }

  sbench::testing::TempDir dir_;
  std::ostringstream warnings_;
};

TEST_F(MergePartsTest, NewestPartWinsPerInstance) {
  // Named against their times, so only the recorded time can order them.
  write("a.2.json", part("2026-01-01T10:00:00.000Z", "cache", 10));
  write("a.1.json", part("2026-01-01T11:00:00.000Z", "cache", 20));
  write("b.1.json", part("2026-01-01T10:30:00.000Z", "memory", 30));
  const MergedResults merged = merge();
  EXPECT_EQ(merged.parts_used, 3);
  EXPECT_EQ(warnings_.str(), "");
  const nlohmann::json& cases = merged.document["cases"];
  ASSERT_EQ(cases.size(), 5u);  // load per suite, and three distinct saves
  EXPECT_EQ(cases[0]["suite"], "cache");
  EXPECT_EQ(cases[0]["counters"]["load_ms"], 20.0);
  const nlohmann::json& suites = merged.document["suites"];
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0]["name"], "cache");
  EXPECT_EQ(suites[0]["invocations"], 2);
  EXPECT_EQ(suites[0]["finished"], "2026-01-01T11:00:00.000Z");
  EXPECT_EQ(suites[0]["measured"], 1);
  EXPECT_EQ(suites[0]["skipped"], 2);
  EXPECT_EQ(merged.document["context"]["time"], "2026-01-01T11:00:00.000Z");
  EXPECT_TRUE(merged.document["targets"].is_null());
}

TEST_F(MergePartsTest, PartsOfAnotherSetupAreLeftOutWithAWarning) {
  write("old.json", part("2026-01-01T10:00:00.000Z", "cache", 10, /*quick=*/true));
  write("new.json", part("2026-01-02T10:00:00.000Z", "cache", 20));
  const MergedResults merged = merge();
  EXPECT_EQ(merged.parts_used, 1);
  EXPECT_EQ(merged.document["cases"].size(), 2u);
  EXPECT_NE(warnings_.str().find(dir_.path("old.json").string()), std::string::npos);
  EXPECT_NE(warnings_.str().find("quick true (newest: false)"), std::string::npos)
      << warnings_.str();
  EXPECT_TRUE(fs::exists(dir_.path("old.json")));
}

TEST_F(MergePartsTest, CorruptPartIsReportedSkippedAndKept) {
  write("good.json", part("2026-01-01T10:00:00.000Z", "cache", 10));
  std::ofstream(dir_.path("bad.json")) << "{\"schema_version\": 1, \"cases\": [";
  std::ofstream(dir_.path("other.json")) << "{\"schema_version\": 7}";
  const MergedResults merged = merge();
  EXPECT_EQ(merged.parts_used, 1);
  EXPECT_NE(
      warnings_.str().find("skipping unreadable result part " + dir_.path("bad.json").string() +
                           ": " + dir_.path("bad.json").string() + " is not valid JSON"),
      std::string::npos)
      << warnings_.str();
  EXPECT_NE(
      warnings_.str().find(dir_.path("other.json").string() + ": schema_version is 7, expected 2"),
      std::string::npos)
      << warnings_.str();
  EXPECT_TRUE(fs::exists(dir_.path("bad.json")));
}

// Found by the merge_parts fuzzer: a field of another type than the merge
// reads it as threw out of merge_parts instead of skipping the part.
TEST_F(MergePartsTest, APartWithAFieldOfTheWrongTypeIsSkippedNamingTheField) {
  write("good.json", part("2026-01-01T10:00:00.000Z", "cache", 10));
  nlohmann::json numbered = part("2026-01-01T11:00:00.000Z", "cache", 20);
  numbered["cases"][1]["instance"] = 7;
  write("numbered.json", numbered);
  nlohmann::json timed = part("2026-01-01T12:00:00.000Z", "cache", 30);
  timed["context"]["time"] = 12;
  write("timed.json", timed);
  nlohmann::json listed = part("2026-01-01T13:00:00.000Z", "cache", 40);
  listed["suites"][0] = "cache";
  write("listed.json", listed);
  const MergedResults merged = merge();
  EXPECT_EQ(merged.parts_used, 1);
  EXPECT_EQ(merged.document["cases"][0]["counters"]["load_ms"], 10.0);
  for (const auto& [file, field] :
       {std::pair{"numbered.json", "cases[1].instance"}, std::pair{"timed.json", "context.time"},
        std::pair{"listed.json", "suites[0] must be an object"}}) {
    EXPECT_NE(warnings_.str().find(dir_.path(file).string() + ": " + field), std::string::npos)
        << warnings_.str();
  }
}

TEST_F(MergePartsTest, NoPartsMergeToNothing) {
  EXPECT_EQ(merge().parts_used, 0);
  EXPECT_EQ(merge_parts(dir_.path("absent"), warnings_).parts_used, 0);
}

TEST(AtomicFile, WriteFailureNamesThePath) {
  sbench::testing::TempDir dir;
  std::ofstream(dir.path("plain")) << "x";
  const fs::path impossible = dir.path("plain") / "results.json";
  try {
    write_file_atomically(impossible, "{}");
    FAIL() << "no error";
  } catch (const ResultsError& error) {
    EXPECT_NE(std::string(error.what()).find(dir.path("plain").string()), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace sbench::reporters
