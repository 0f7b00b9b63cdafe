#pragma once

#include <string>
#include <string_view>

namespace sbench::server::http {

// Joins the bytes of streamed tokens into text that is only ever cut between
// UTF-8 characters: a token that ends inside a multi-byte character has its
// tail held back until the rest arrives, so each event carries valid text.
class Utf8Assembler {
 public:
  // Returns what can be sent now.
  std::string append(std::string_view bytes);
  // Whatever is still held back (an unfinished character at the very end).
  std::string flush();

 private:
  std::string pending_;
};

}  // namespace sbench::server::http
