#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace sbench::fuzz {

// Writes an input to `file` for the parsers that read files, replacing what
// was there. The fuzzers keep their files in a sbench::testing::TempDir
// (tests/support/temp_dir.hpp); scripts/fuzz and the smoke tests point
// TMPDIR at /dev/shm, so millions of inputs never wear a disk.
inline std::filesystem::path write_input(const std::filesystem::path& file,
                                         std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush())
    throw std::runtime_error("cannot write " + file.string());
  return file;
}

}  // namespace sbench::fuzz
