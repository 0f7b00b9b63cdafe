#include "report/results_fields.hpp"

#include "report/number_format.hpp"

namespace sbench::reporters::detail {

const nlohmann::json* field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object())
    return nullptr;
  const auto found = object.find(std::string(key));
  return found == object.end() ? nullptr : &*found;
}

std::optional<double> number_at(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (value == nullptr || !value->is_number())
    return std::nullopt;
  return value->get<double>();
}

std::string text_at(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (value == nullptr || value->is_null())
    return "";
  if (value->is_string())
    return value->get<std::string>();
  if (value->is_number())
    return format_number(value->get<double>());
  return value->dump();
}

const nlohmann::json& array_at(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* value = field(object, key);
  return value != nullptr && value->is_array() ? *value : empty;
}

const nlohmann::json& object_at(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* value = field(object, key);
  return value != nullptr && value->is_object() ? *value : empty;
}

}  // namespace sbench::reporters::detail
