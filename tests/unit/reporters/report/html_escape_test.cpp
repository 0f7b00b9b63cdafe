#include "sbench/reporters/html_escape.hpp"

#include <gtest/gtest.h>

namespace sbench::reporters {
namespace {

TEST(EscapeHtml, ReplacesEveryCharacterWithMeaningInHtml) {
  EXPECT_EQ(escape_html(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(EscapeHtml, LeavesOtherTextAlone) {
  EXPECT_EQ(escape_html("tokens/s → 131.5 µs"), "tokens/s → 131.5 µs");
  EXPECT_EQ(escape_html(""), "");
}

}  // namespace
}  // namespace sbench::reporters
