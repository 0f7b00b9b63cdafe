#include "utf8_assembler.hpp"

#include <cstddef>

namespace sbench::server::http {
namespace {

// Length of the character a lead byte starts, or 0 if it cannot start one.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if ((lead & 0xE0) == 0xC0)
    return 2;
  if ((lead & 0xF0) == 0xE0)
    return 3;
  if ((lead & 0xF8) == 0xF0)
    return 4;
  return 0;
}

// Bytes at the end of `text` that begin a character still missing bytes.
// Invalid bytes are not held back: they could never be completed and the JSON
// encoder replaces them.
std::size_t unfinished_tail(const std::string& text) {
  const std::size_t look_back = text.size() < 3 ? text.size() : 3;
  for (std::size_t back = 1; back <= look_back; ++back) {
    const auto byte = static_cast<unsigned char>(text[text.size() - back]);
    if ((byte & 0xC0) == 0x80)
      continue;  // a continuation byte: its lead is further back
    const std::size_t needed = sequence_length(byte);
    return needed > back ? back : 0;
  }
  return 0;
}

}  // namespace

std::string Utf8Assembler::append(std::string_view bytes) {
  pending_.append(bytes);
  const std::size_t held = unfinished_tail(pending_);
  std::string ready = pending_.substr(0, pending_.size() - held);
  pending_.erase(0, pending_.size() - held);
  return ready;
}

std::string Utf8Assembler::flush() {
  std::string rest;
  rest.swap(pending_);
  return rest;
}

}  // namespace sbench::server::http
