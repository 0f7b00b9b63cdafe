// The HTML report really draws: headless Chromium renders it to a PNG that
// has the window's size and is far from a blank page.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/run_command.hpp"
#include "support/sample_results.hpp"
#include "support/temp_dir.hpp"

namespace sbench {
namespace {

using testing::run_command;
using testing::shell_quote;

struct Png {
  bool valid = false;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uintmax_t bytes = 0;
};

std::uint32_t big_endian(const std::vector<unsigned char>& data, std::size_t at) {
  return std::uint32_t{data[at]} << 24 | std::uint32_t{data[at + 1]} << 16 |
         std::uint32_t{data[at + 2]} << 8 | std::uint32_t{data[at + 3]};
}

// The signature, then the IHDR chunk: length 13, "IHDR", width, height.
Png read_png(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<unsigned char> data{std::istreambuf_iterator<char>(in), {}};
  constexpr std::array<unsigned char, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Png png;
  png.bytes = data.size();
  if (data.size() < 24 || !std::equal(kSignature.begin(), kSignature.end(), data.begin()) ||
      std::string(data.begin() + 12, data.begin() + 16) != "IHDR")
    return png;
  png.valid = true;
  png.width = big_endian(data, 16);
  png.height = big_endian(data, 20);
  return png;
}

testing::CommandResult screenshot(const std::filesystem::path& html,
                                  const std::filesystem::path& png) {
  return run_command("timeout 60 " + shell_quote(SBENCH_SCREENSHOT_SCRIPT) + " " +
                     shell_quote(html.string()) + " " + shell_quote(png.string()));
}

TEST(ReportScreenshot, TheHtmlReportRendersToAFullNonBlankImage) {
  if (run_command("command -v chromium").exit_code != 0)
    GTEST_SKIP() << "chromium is not installed (Debian: apt-get install chromium)";
  const testing::TempDir dir;
  const auto report = dir.path("report.html");
  const auto written =
      run_command(shell_quote(SBENCH_CLI) + " report " +
                  shell_quote(testing::sample_results_file("full_run.json").string()) +
                  " --html=" + shell_quote(report.string()));
  ASSERT_EQ(written.exit_code, 0) << written.output;

  const auto shot = screenshot(report, dir.path("report.png"));
  ASSERT_EQ(shot.exit_code, 0) << shot.output;
  const Png png = read_png(dir.path("report.png"));
  ASSERT_TRUE(png.valid) << "not a PNG";
  EXPECT_EQ(png.width, 1280u);
  EXPECT_EQ(png.height, 2000u);

  // A blank page of the same size compresses to almost nothing; tables,
  // text and plots do not.
  std::ofstream(dir.path("blank.html")) << "<!DOCTYPE html><html><body></body></html>";
  const auto blank_shot = screenshot(dir.path("blank.html"), dir.path("blank.png"));
  ASSERT_EQ(blank_shot.exit_code, 0) << blank_shot.output;
  const Png blank = read_png(dir.path("blank.png"));
  ASSERT_TRUE(blank.valid);
  EXPECT_GT(png.bytes, 5 * blank.bytes)
      << "report " << png.bytes << " bytes, blank " << blank.bytes << " bytes";
}

}  // namespace
}  // namespace sbench
