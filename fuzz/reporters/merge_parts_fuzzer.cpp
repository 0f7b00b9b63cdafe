// Result parts as crashed, older or foreign suite processes leave them, merged
// by the reporters (sbench/reporters/merge_parts.hpp). The input is split at
// each NUL byte into up to four part files. Properties: no crash, no
// sanitizer report, no exception (an unreadable part is skipped with a
// warning), a document exactly when a part was used, and one that dumps.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "sbench/reporters/merge_parts.hpp"
#include "support/fuzz_check.hpp"
#include "support/input_file.hpp"
#include "support/temp_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sbench::testing::TempDir scratch;
  std::filesystem::remove_all(scratch.path() / "parts");
  std::filesystem::create_directory(scratch.path() / "parts");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  int parts = 0;
  while (parts < 4) {
    const std::size_t end = input.find('\0');
    sbench::fuzz::write_input(scratch.path("parts/part" + std::to_string(parts++) + ".json"),
                              input.substr(0, end));
    if (end == std::string_view::npos)
      break;
    input.remove_prefix(end + 1);
  }
  std::ostringstream warnings;
  const sbench::reporters::MergedResults merged =
      sbench::reporters::merge_parts(scratch.path() / "parts", warnings);
  sbench::fuzz::require(merged.parts_used <= parts, "more parts used than written");
  sbench::fuzz::require(merged.document.is_null() == (merged.parts_used == 0),
                        "a document without parts, or parts without a document");
  if (!merged.document.is_null())
    merged.document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
