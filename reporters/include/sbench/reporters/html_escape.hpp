#pragma once

#include <string>
#include <string_view>

namespace sbench::reporters {

// Text safe inside HTML/SVG element content and quoted attribute values (the
// reports of suites and of `sbench run`).
std::string escape_html(std::string_view text);

}  // namespace sbench::reporters
