#pragma once

#include <string>
#include <string_view>

namespace sbench::reporters::detail {

// Text safe inside HTML/SVG element content and quoted attribute values.
std::string escape_html(std::string_view text);

}  // namespace sbench::reporters::detail
