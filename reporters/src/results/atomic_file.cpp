#include "sbench/reporters/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sbench::reporters {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what, int error) {
  throw ResultsError("cannot write " + file.string() + ": " + what + ": " + std::strerror(error));
}

// write(2) and fsync(2) report a full disk, which a buffered stream may hide.
void write_all(int fd, std::string_view contents, const std::filesystem::path& temporary) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0)
      fail(temporary, "write", errno);
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(fd) != 0)
    fail(temporary, "fsync", errno);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  const std::filesystem::path directory = file.has_parent_path() ? file.parent_path() : ".";
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error)
    throw ResultsError("cannot create directory " + directory.string() + ": " + error.message());
  // Hidden and per-process, so a merge never reads it and writers never share it.
  const std::filesystem::path temporary =
      directory / ("." + file.filename().string() + "." + std::to_string(::getpid()) + ".tmp");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail(temporary, "open", errno);
  try {
    write_all(fd, contents, temporary);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int close_error = errno;
    ::unlink(temporary.c_str());
    fail(temporary, "close", close_error);
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temporary.c_str());
    fail(file, "rename", rename_error);
  }
}

}  // namespace sbench::reporters
