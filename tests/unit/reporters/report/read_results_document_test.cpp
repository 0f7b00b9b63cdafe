#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "sbench/reporters/results_document.hpp"
#include "support/sample_results.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters {
namespace {

std::string error_reading(const std::filesystem::path& file) {
  try {
    read_results_document(file);
  } catch (const ResultsDocumentError& error) {
    return error.what();
  }
  return "no error";
}

std::filesystem::path write(const testing::TempDir& dir, const std::string& text) {
  const auto file = dir.path("results.json");
  std::ofstream(file) << text;
  return file;
}

TEST(ReadResultsDocument, ReadsTheSampleRun) {
  const nlohmann::json results =
      read_results_document(testing::sample_results_file("full_run.json"));
  EXPECT_EQ(results["schema_version"], 2);
  EXPECT_GT(results["cases"].size(), 30u);
}

TEST(ReadResultsDocument, NamesTheFileAndTheProblem) {
  const testing::TempDir dir;
  const std::string missing = error_reading(dir.path("nope.json"));
  EXPECT_NE(missing.find("nope.json does not exist"), std::string::npos) << missing;
  EXPECT_NE(error_reading(write(dir, "{\"schema_version\": 1, ")).find("is not valid JSON"),
            std::string::npos);
  EXPECT_NE(error_reading(write(dir, "[1, 2]")).find("expected a JSON object"), std::string::npos);
  EXPECT_NE(error_reading(write(dir, "{\"cases\": []}")).find("no schema_version"),
            std::string::npos);
  EXPECT_NE(error_reading(write(dir, R"({"schema_version": 9, "cases": []})"))
                .find("schema_version is 9, expected 2"),
            std::string::npos);
  EXPECT_NE(error_reading(write(dir, R"({"schema_version": 2, "cases": []})"))
                .find("\"context\" must be an object"),
            std::string::npos);
  EXPECT_NE(error_reading(write(dir, R"({"schema_version": 2, "context": {}, "cases": []})"))
                .find("\"suites\" must be an array"),
            std::string::npos);
  EXPECT_NE(error_reading(write(dir, R"({"schema_version": 2, "context": {}, "suites": [],
                                         "cases": {}})"))
                .find("\"cases\" must be an array"),
            std::string::npos);
}

}  // namespace
}  // namespace sbench::reporters
