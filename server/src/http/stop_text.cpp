#include "stop_text.hpp"

#include <algorithm>

namespace sbench::server::http {

std::size_t StopText::first_stop(std::string_view text) const {
  std::size_t first = std::string_view::npos;
  for (const std::string& stop : stops_)
    first = std::min(first, text.find(stop));
  return first;
}

std::size_t StopText::possible_stop_start(std::string_view text) const {
  std::size_t longest = 0;
  for (const std::string& stop : stops_) {
    for (std::size_t length = std::min(stop.size() - 1, text.size()); length > longest; --length) {
      if (text.substr(text.size() - length) == std::string_view(stop).substr(0, length)) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

std::string StopText::append(std::string_view text) {
  if (stopped_)
    return "";
  if (stops_.empty())
    return std::string(text);
  held_ += text;
  if (const std::size_t stop = first_stop(held_); stop != std::string::npos) {
    stopped_ = true;
    std::string ready = held_.substr(0, stop);
    held_.clear();
    return ready;
  }
  const std::size_t keep = possible_stop_start(held_);
  std::string ready = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return ready;
}

std::string StopText::finish() {
  std::string rest;
  rest.swap(held_);
  return stopped_ ? "" : rest;
}

std::string StopText::cut(std::string text) const {
  if (const std::size_t stop = first_stop(text); stop != std::string::npos)
    text.resize(stop);
  return text;
}

}  // namespace sbench::server::http
