#include "json_fields.hpp"

namespace sbench::detail {

std::string error_message(const nlohmann::json& object) {
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
