#include "cache/append_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace sbench::runner {
namespace {

std::string contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AppendFile, OpeningCutsWhatWasWrittenAfterTheLastCommit) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path("out.jsonl");
  {
    AppendFile out(file, 0);
    out.append("one\n");
    out.append("two\n");
    EXPECT_EQ(out.size(), 8);
  }
  // Committed after "one\n": "two\n" is from a run that died before its commit.
  AppendFile reopened(file, 4);
  EXPECT_EQ(contents(file), "one\n");
  reopened.append("three\n");
  EXPECT_EQ(contents(file), "one\nthree\n");
  AppendFile kept(file, -1);
  EXPECT_EQ(kept.size(), 10);
}

TEST(AppendFile, AFileShorterThanItsCommittedLengthIsAnError) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path("out.jsonl");
  AppendFile(file, 0).append("abc");
  EXPECT_THROW(AppendFile(file, 100), std::runtime_error);
  EXPECT_THROW(AppendFile(dir.path("missing/dir/out.jsonl"), 0), std::runtime_error);
}

}  // namespace
}  // namespace sbench::runner
