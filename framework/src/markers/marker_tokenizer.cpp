#include <cctype>

#include "marker_token.hpp"
#include "sbench/markers.hpp"

namespace sbench::detail {
namespace {

bool starts_name(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool continues_name(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

MarkerToken::Kind word_kind(std::string_view word) {
  if (word == "and")
    return MarkerToken::Kind::and_op;
  if (word == "or")
    return MarkerToken::Kind::or_op;
  if (word == "not")
    return MarkerToken::Kind::not_op;
  return MarkerToken::Kind::name;
}

}  // namespace

std::vector<MarkerToken> tokenize_marker_expression(std::string_view text) {
  std::vector<MarkerToken> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const std::size_t column = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back({c == '(' ? MarkerToken::Kind::open_paren : MarkerToken::Kind::close_paren,
                        std::string(1, c), column});
      ++i;
    } else if (starts_name(c)) {
      std::size_t end = i + 1;
      while (end < text.size() && continues_name(text[end]))
        ++end;
      const std::string_view word = text.substr(i, end - i);
      tokens.push_back({word_kind(word), std::string(word), column});
      i = end;
    } else {
      throw MarkerError("marker expression \"" + std::string(text) + "\": unexpected '" +
                        std::string(1, c) + "' at column " + std::to_string(column));
    }
  }
  tokens.push_back({MarkerToken::Kind::end, "", text.size() + 1});
  return tokens;
}

}  // namespace sbench::detail
