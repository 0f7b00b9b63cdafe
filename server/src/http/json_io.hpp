#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "http_types.hpp"

namespace sbench::server::http {

// A byte-level token can be half of a UTF-8 character, so text in a response
// may hold invalid bytes: they become U+FFFD instead of making dump() throw.
std::string dump_json(const nlohmann::json& value);
HttpResponse json_response(int status, const nlohmann::json& value);
// `bytes` as a client reads them back from our JSON: invalid UTF-8 replaced
// by U+FFFD the way dump_json replaces it.
std::string as_sent_in_json(const std::string& bytes);

// Reads a JSON object request body field by field. Every problem is an
// HttpError 400 naming the field; a null field counts as absent (OpenAI
// clients send explicit nulls); fields no route asked for are rejected so a
// typo never passes silently.
class JsonBody {
 public:
  explicit JsonBody(std::string_view body);  // an empty body reads as {}

  std::optional<std::string> string(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  std::optional<std::int64_t> integer(const std::string& name, std::int64_t min, std::int64_t max);
  std::optional<std::uint64_t> unsigned_integer(const std::string& name);
  std::optional<double> number(const std::string& name, double min, double max);
  // For fields of more than one type; the caller checks the type.
  const nlohmann::json* value(const std::string& name);

  void reject_unknown_fields() const;

 private:
  nlohmann::json object_;
  std::set<std::string> known_;
};

}  // namespace sbench::server::http
