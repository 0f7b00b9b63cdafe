#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::detail {

// Newline-delimited JSON (Ollama's streaming format), split into lines as the
// bytes arrive, each stamped with the arrival of the bytes that completed it.
class NdjsonLines {
 public:
  struct Line {
    std::string text;
    std::chrono::steady_clock::time_point arrived;
  };

  void feed(std::string_view bytes, std::chrono::steady_clock::time_point arrived);
  // The body ended: a last line without its newline still counts.
  void finish(std::chrono::steady_clock::time_point arrived);
  const std::vector<Line>& lines() const { return lines_; }

 private:
  std::string partial_;
  std::vector<Line> lines_;
};

}  // namespace sbench::detail
