#include "store/posix_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>
#include <system_error>
#include <vector>

namespace sbench::server::store {
namespace {

TEST(PosixFile, FullDiskSurfacesAsEnospcWithStrerrorText) {
  PosixFile full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(full.is_open());
  std::vector<char> data(1 << 16, 'x');
  const iovec segment{data.data(), data.size()};
  try {
    pwrite_all(full, {&segment, 1}, 0);
    FAIL() << "writing to /dev/full succeeded";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ENOSPC);
    EXPECT_NE(std::string(error.what()).find("No space left on device"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace sbench::server::store
