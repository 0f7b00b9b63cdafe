#include "chat_messages.hpp"

#include "error_response.hpp"

namespace sbench::server::http {
namespace {

// A message's content: a string, or OpenAI's array of parts of which only
// text parts can be read by a text model.
std::string read_content(const nlohmann::json& content, std::size_t index) {
  const std::string where = "messages[" + std::to_string(index) + "].content";
  if (content.is_string())
    return content.get<std::string>();
  if (!content.is_array())
    throw HttpError(400, "field '" + where + "' must be a string or an array of text parts");
  std::string text;
  for (const nlohmann::json& part : content) {
    if (!part.is_object() || !part.contains("type") || part["type"] != "text" ||
        !part.contains("text") || !part["text"].is_string())
      throw HttpError(400, "field '" + where +
                               "' may only hold {\"type\": \"text\", \"text\": ...}"
                               " parts: the reference model reads text");
    text += part["text"].get<std::string>();
  }
  return text;
}

}  // namespace

std::vector<ChatMessage> read_chat_messages(JsonBody& body) {
  const nlohmann::json* messages = body.value("messages");
  if (!messages)
    throw HttpError(400, "field 'messages' is required");
  if (!messages->is_array() || messages->empty())
    throw HttpError(400, "field 'messages' must be a non-empty array");
  std::vector<ChatMessage> read;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const nlohmann::json& message = (*messages)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!message.is_object())
      throw HttpError(400, "field '" + where + "' must be an object");
    std::string role = message.contains("role") && message["role"].is_string()
                           ? message["role"].get<std::string>()
                           : "";
    if (role == "developer")
      role = "system";
    if (role != "system" && role != "user" && role != "assistant")
      throw HttpError(400, "field '" + where +
                               ".role' must be system, developer, user or assistant (no tools)");
    for (const auto& [name, value] : message.items()) {
      const bool known = name == "role" || name == "content" || name == "name" ||
                         ((name == "refusal" || name == "tool_calls") &&
                          (value.is_null() || (value.is_array() && value.empty())));
      if (!known)
        throw HttpError(400, "unknown or unsupported field '" + where + "." + name + "'");
    }
    if (!message.contains("content") || message["content"].is_null())
      throw HttpError(400, "field '" + where + ".content' is required");
    read.push_back({std::move(role), read_content(message["content"], i)});
  }
  return read;
}

}  // namespace sbench::server::http
