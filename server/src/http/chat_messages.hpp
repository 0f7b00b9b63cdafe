#pragma once

#include <vector>

#include "chat_template.hpp"
#include "json_io.hpp"

namespace sbench::server::http {

// The `messages` field of a chat request (or of /tokenize), checked: 400
// naming the message and field for anything a text model without tools
// cannot read.
std::vector<ChatMessage> read_chat_messages(JsonBody& body);

}  // namespace sbench::server::http
