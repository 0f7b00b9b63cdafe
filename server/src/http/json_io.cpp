#include "json_io.hpp"

#include <cmath>
#include <limits>

#include "error_response.hpp"

namespace sbench::server::http {
namespace {

[[noreturn]] void bad_field(const std::string& name, const std::string& expectation) {
  throw HttpError(400, "field '" + name + "' must be " + expectation);
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string as_sent_in_json(const std::string& bytes) {
  return nlohmann::json::parse(dump_json(bytes)).get<std::string>();
}

HttpResponse json_response(int status, const nlohmann::json& value) {
  HttpResponse response;
  response.status = status;
  response.body = dump_json(value);
  return response;
}

JsonBody::JsonBody(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    object_ = nlohmann::json::object();
    return;
  }
  try {
    object_ = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& error) {
    // parse_error, and out_of_range for a number no double holds (1e400).
    throw HttpError(400, std::string("malformed JSON body: ") + error.what());
  }
  if (!object_.is_object())
    throw HttpError(400, "the request body must be a JSON object");
}

const nlohmann::json* JsonBody::value(const std::string& name) {
  known_.insert(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null())
    return nullptr;
  return &*it;
}

std::optional<std::string> JsonBody::string(const std::string& name) {
  const nlohmann::json* field = value(name);
  if (!field)
    return std::nullopt;
  if (!field->is_string())
    bad_field(name, "a string");
  return field->get<std::string>();
}

std::optional<bool> JsonBody::boolean(const std::string& name) {
  const nlohmann::json* field = value(name);
  if (!field)
    return std::nullopt;
  if (!field->is_boolean())
    bad_field(name, "true or false");
  return field->get<bool>();
}

std::optional<std::int64_t> JsonBody::integer(const std::string& name, std::int64_t min,
                                              std::int64_t max) {
  const nlohmann::json* field = value(name);
  if (!field)
    return std::nullopt;
  const std::string expectation =
      "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  // nlohmann keeps non-negative integers as unsigned: one beyond int64 is out
  // of every range here and must not wrap around.
  if (!field->is_number_integer() ||
      (field->is_number_unsigned() &&
       field->get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()}))
    bad_field(name, expectation);
  const auto number = field->get<std::int64_t>();
  if (number < min || number > max)
    bad_field(name, expectation);
  return number;
}

std::optional<std::uint64_t> JsonBody::unsigned_integer(const std::string& name) {
  const nlohmann::json* field = value(name);
  if (!field)
    return std::nullopt;
  if (field->is_number_unsigned())
    return field->get<std::uint64_t>();
  if (field->is_number_integer() && field->get<std::int64_t>() >= 0)
    return field->get<std::uint64_t>();
  bad_field(name, "a non-negative integer");
}

std::optional<double> JsonBody::number(const std::string& name, double min, double max) {
  const nlohmann::json* field = value(name);
  if (!field)
    return std::nullopt;
  const std::string expectation =
      "a number in [" + nlohmann::json(min).dump() + ", " + nlohmann::json(max).dump() + "]";
  if (!field->is_number())
    bad_field(name, expectation);
  const auto number = field->get<double>();
  if (!std::isfinite(number) || number < min || number > max)
    bad_field(name, expectation);
  return number;
}

void JsonBody::reject_unknown_fields() const {
  for (const auto& [name, field] : object_.items()) {
    if (!known_.contains(name))
      throw HttpError(400, "unknown field '" + name + "'");
  }
}

}  // namespace sbench::server::http
