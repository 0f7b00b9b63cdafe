#include "server_json.hpp"

namespace sbench::detail {

const nlohmann::json& member(const nlohmann::json& object, std::string_view name) {
  static const nlohmann::json null;
  if (!object.is_object())
    return null;
  const auto found = object.find(name);
  return found == object.end() ? null : *found;
}

std::string error_message(const nlohmann::json& object) {
  if (optional_field<std::string>(object, "object") == "error")
    return optional_field<std::string>(object, "message").value_or(object.dump());
  if (!object.is_object() || !object.contains("error"))
    return "";
  const nlohmann::json& error = object["error"];
  if (error.is_string())
    return error.get<std::string>();
  if (auto message = optional_field<std::string>(error, "message"))
    return *message;
  return error.dump();
}

}  // namespace sbench::detail
