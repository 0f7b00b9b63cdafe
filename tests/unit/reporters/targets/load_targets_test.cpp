#include <gtest/gtest.h>

#include <fstream>

#include "sbench/reporters/targets.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters {
namespace {

namespace fs = std::filesystem;

// The repository's targets file, found from this test's source path.
const fs::path sprint6 =
    fs::path(__FILE__).parent_path() / "../../../../config/targets/sprint6.toml";

class LoadTargetsTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& text) {
    const fs::path file = dir_.path("targets.toml");
    std::ofstream(file) << text;
    return file;
  }
  std::string error_of(const std::string& text) {
    try {
      load_targets(write(text));
    } catch (const TargetsError& error) {
      return error.what();
    }
    return "no error";
  }
  std::string file() const { return dir_.path("targets.toml").string(); }

  sbench::testing::TempDir dir_;
};

TEST_F(LoadTargetsTest, ReadsEveryField) {
  const TargetSet set = load_targets(write(R"(
name = "Mine"
[[target]]
id = "cache.load_8k"
description = "fast loads"
case = "cache_load_time"
args = { tokens = 8000 }
counter = "load_ms"
op = "<="
threshold = 500
bands = { good_max = 500, poor_above = 1000 }
[[target]]
id = "band.only"
case = "throughput_comparison"
counter = "tokens_per_s_1"
bands = { good_min = 20, good_max = 30, poor_below = 5 }
)"));
  EXPECT_EQ(set.name, "Mine");
  ASSERT_EQ(set.targets.size(), 2u);
  const Target& load = set.targets[0];
  EXPECT_EQ(load.id, "cache.load_8k");
  EXPECT_EQ(load.description, "fast loads");
  EXPECT_EQ(load.case_name, "cache_load_time");
  EXPECT_EQ(load.args, (std::map<std::string, std::int64_t>{{"tokens", 8000}}));
  EXPECT_EQ(load.counter, "load_ms");
  EXPECT_EQ(load.op, Comparison::less_equal);
  EXPECT_DOUBLE_EQ(load.threshold, 500);
  EXPECT_EQ(load.bands.good_max, 500);
  EXPECT_EQ(load.bands.poor_above, 1000);
  EXPECT_FALSE(load.bands.good_min);
  const Target& band_only = set.targets[1];
  EXPECT_FALSE(band_only.op);
  EXPECT_EQ(band_only.bands.good_min, 20);
  EXPECT_EQ(band_only.bands.poor_below, 5);
}

TEST_F(LoadTargetsTest, Sprint6FileLoadsWithEveryOriginalTarget) {
  const TargetSet set = load_targets(sprint6);
  EXPECT_EQ(set.name, "Sprint 6");
  std::set<std::string> ids;
  for (const Target& target : set.targets)
    ids.insert(target.id);
  for (const char* id : {"batching.speedup_3", "batching.speedup_5", "cache.load_8k",
                         "cache.load_4k", "cache.load_2k", "cache.save", "cache.resume_speedup",
                         "memory.per_agent", "memory.overhead", "memory.no_leak", "memory.padding",
                         "throughput.sequential", "throughput.batched_3", "throughput.batched_5"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
}

TEST_F(LoadTargetsTest, ErrorsNameFileEntryKeyAndExpectedType) {
  const std::string entry = "[[target]]\nid = \"t\"\ncase = \"c\"\ncounter = \"n\"\n";
  EXPECT_EQ(
      error_of(entry + "op = \"=<\"\nthreshold = 1\n"),
      file() + ": target[0] (t): op: expected one of \"<\", \"<=\", \">\", \">=\", got \"=<\"");
  EXPECT_EQ(error_of(entry + "op = \"<\"\nthreshold = \"fast\"\n"),
            file() + ": target[0] (t): threshold: expected a number, got \"fast\"");
  EXPECT_EQ(error_of(entry + "op = \"<\"\nthreshold = 1\nunit = \"ms\"\n"),
            file() + ": target[0] (t): unit: unknown key (see docs/RESULTS.md)");
  EXPECT_EQ(error_of(entry + "op = \"<\"\n"),
            file() +
                ": target[0] (t): threshold: missing (an entry with op needs a number to "
                "compare with)");
  EXPECT_EQ(error_of(entry),
            file() +
                ": target[0] (t): op: missing (an entry needs op and threshold, or bands, "
                "or both)");
  EXPECT_EQ(error_of(entry + "args = { tokens = \"8k\" }\nop = \"<\"\nthreshold = 1\n"),
            file() + ": target[0] (t): args.tokens: expected an integer, got \"8k\"");
  EXPECT_EQ(error_of(entry + "bands = { great = 1 }\n"),
            file() +
                ": target[0] (t): bands.great: unknown key (expected good_min, good_max, "
                "poor_below or poor_above)");
  EXPECT_EQ(error_of("[[target]]\ncase = \"c\"\n"),
            file() + ": target[0]: id: missing (expected a non-empty string)");
  EXPECT_EQ(error_of(entry + "op = \"<\"\nthreshold = 1\n" + entry + "op = \"<\"\nthreshold = 2\n"),
            file() + ": target[1] (t): id: used by an earlier entry");
  EXPECT_EQ(error_of("nmae = \"x\"\n"),
            file() + ": nmae: unknown key (expected name and [[target]] entries)");
  EXPECT_NE(error_of("[[target]\n").find(file() + ": invalid TOML at line 1"), std::string::npos);
  EXPECT_EQ(error_of("name = \"x\"\n"), file() + ": target: expected [[target]] entries");
}

TEST_F(LoadTargetsTest, MissingFileIsAnError) {
  EXPECT_THROW(load_targets(dir_.path("absent.toml")), TargetsError);
}

}  // namespace
}  // namespace sbench::reporters
