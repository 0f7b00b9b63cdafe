#include "results/parts_lock.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "sbench/reporters/atomic_file.hpp"
#include "support/temp_dir.hpp"

namespace sbench::reporters::detail {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Another holder of <parts dir>/.lock: flock locks belong to the open file,
// so a second open in this process conflicts as another process would.
class OtherHolder {
 public:
  explicit OtherHolder(const std::filesystem::path& parts_dir)
      : fd_(::open((parts_dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    EXPECT_EQ(::flock(fd_, LOCK_EX), 0);
  }
  ~OtherHolder() { release(); }
  OtherHolder(const OtherHolder&) = delete;
  OtherHolder& operator=(const OtherHolder&) = delete;

  void release() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

TEST(PartsLock, ALockHeldPastTheTimeoutIsAnErrorNamingTheFile) {
  const testing::TempDir parts;
  const OtherHolder stuck(parts.path());
  const auto start = Clock::now();
  try {
    const PartsLock lock(parts.path(), 200ms);
    FAIL() << "took a lock another holds";
  } catch (const ResultsError& error) {
    EXPECT_NE(std::string(error.what()).find((parts.path() / ".lock").string()), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("200 ms"), std::string::npos) << error.what();
  }
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 5s);
}

TEST(PartsLock, ALockReleasedDuringTheWaitIsTaken) {
  const testing::TempDir parts;
  OtherHolder holder(parts.path());
  auto released = std::async(std::launch::async, [&holder] {
    std::this_thread::sleep_for(100ms);
    holder.release();
  });
  const PartsLock lock(parts.path(), 10s);
  released.get();
  // Held now: another taker times out.
  EXPECT_THROW(PartsLock(parts.path(), 50ms), ResultsError);
}

}  // namespace
}  // namespace sbench::reporters::detail
