#include "sweep/point_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace sbench::runner {
namespace {

nlohmann::json point(const std::string& key, int value) {
  return {{"key", key}, {"metrics", {{"value", value}}}};
}

TEST(PointStore, PointsSurviveAReopenAndALineCutShortIsIgnored) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path("sweep/sweep_points.jsonl");
  {
    PointStore store(file, false);
    EXPECT_EQ(store.size(), 0u);
    store.append(point("a", 1));
    store.append(point("b", 2));
    store.append(point("a", 3));  // measured again: the last one counts
  }
  std::ofstream(file, std::ios::app) << R"({"key":"c","metri)";  // a crash mid-line
  PointStore reopened(file, false);
  EXPECT_EQ(reopened.size(), 2u);
  EXPECT_EQ(reopened.ignored_lines(), 1u);
  ASSERT_NE(reopened.find("a"), nullptr);
  EXPECT_EQ((*reopened.find("a"))["metrics"]["value"], 3);
  EXPECT_EQ(reopened.find("c"), nullptr);
}

TEST(PointStore, FreshKeepsTheEarlierFileAsideAndStartsEmpty) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path("sweep_points.jsonl");
  PointStore(file, false).append(point("a", 1));
  const PointStore fresh(file, true);
  EXPECT_EQ(fresh.size(), 0u);
  std::size_t kept = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    kept += entry.path().filename().string().rfind("sweep_points.jsonl.", 0) == 0 ? 1 : 0;
  EXPECT_EQ(kept, 1u);
}

TEST(PointStore, AFileThatCannotBeWrittenIsAnErrorNotALostPoint) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path("sweep_points.jsonl");
  PointStore store(file, false);
  std::filesystem::create_directory(file);  // what was to be a file is now a directory
  EXPECT_THROW(store.append(point("a", 1)), std::runtime_error);
  EXPECT_EQ(store.find("a"), nullptr);
}

}  // namespace
}  // namespace sbench::runner
