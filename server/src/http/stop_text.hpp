#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sbench::server::http {

// Keeps stop sequences out of the text a client sees, as OpenAI's API does.
// A stream holds back text that may be the start of one until the next
// bytes show it is not; once one is complete, nothing after it is sent.
class StopText {
 public:
  explicit StopText(std::vector<std::string> stops) : stops_(std::move(stops)) {}

  // What of `text`, and of what was held back before it, can be sent now.
  std::string append(std::string_view text);
  // The end of the stream: what is still held back, unless it was a stop.
  std::string finish();
  // A whole answer's text, cut before its first stop sequence.
  std::string cut(std::string text) const;

 private:
  // Where the first stop sequence starts in `text`, or npos.
  std::size_t first_stop(std::string_view text) const;
  // How many bytes at the end of `text` begin some stop sequence.
  std::size_t possible_stop_start(std::string_view text) const;

  std::vector<std::string> stops_;
  std::string held_;
  bool stopped_ = false;
};

}  // namespace sbench::server::http
