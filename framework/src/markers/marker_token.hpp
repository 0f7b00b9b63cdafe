#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::detail {

struct MarkerToken {
  enum class Kind { name, and_op, or_op, not_op, open_paren, close_paren, end };
  Kind kind;
  std::string text;
  std::size_t column;  // 1-based, for error messages
};

// Throws MarkerError on a character that cannot start a token.
std::vector<MarkerToken> tokenize_marker_expression(std::string_view text);

}  // namespace sbench::detail
