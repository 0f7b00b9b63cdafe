#pragma once

#include <string>
#include <vector>

namespace sbench::test {

// The data payloads of a text/event-stream body, in order. Throws
// std::runtime_error when the framing is wrong: every event must be a
// single "data: " line ended by a blank line, with nothing left over.
std::vector<std::string> sse_data(const std::string& body);

}  // namespace sbench::test
