#pragma once

#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sbench {

// A marker expression that does not parse, or a marker nobody declared.
class MarkerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using MarkerSet = std::set<std::string, std::less<>>;

namespace detail {
struct MarkerNode;
}

// A pytest `-m` expression: marker names combined with `and`, `or`, `not` and
// parentheses, e.g. `benchmark and not (slow or memory)`.
class MarkerExpression {
 public:
  // The empty expression, which selects every case.
  MarkerExpression();

  // Throws MarkerError naming the expression and what was expected where.
  static MarkerExpression parse(std::string_view text);

  bool selects(const MarkerSet& case_markers) const;

  // Every marker the expression mentions, so that a typo can be reported
  // instead of silently selecting nothing.
  const MarkerSet& mentioned() const { return mentioned_; }
  const std::string& text() const { return text_; }

 private:
  std::shared_ptr<const detail::MarkerNode> root_;
  MarkerSet mentioned_;
  std::string text_;
};

// Throws MarkerError "<user> uses undeclared marker 'x' (declared: ...)" for
// the first marker of `used` that is not in `declared`.
void require_declared(const MarkerSet& used, const MarkerSet& declared, std::string_view user);

}  // namespace sbench
