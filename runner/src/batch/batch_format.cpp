#include "batch/batch_format.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sbench::runner {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array<std::string_view, 3> kSupportedUrls = {"/v1/chat/completions",
                                                            "/v1/completions", "/v1/embeddings"};
constexpr std::size_t kQuotedBytes = 80;

// Counts brackets outside strings without parsing, so that a hostile depth is
// refused before nlohmann::json builds it.
bool nests_too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// At most `max_bytes` of `text` for a message, cut between characters and
// always valid UTF-8, so that messages can go into JSON with a plain dump().
std::string excerpt(std::string_view text, std::size_t max_bytes) {
  std::string_view kept = text;
  if (text.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
      --cut;
    kept = text.substr(0, cut);
  }
  const std::string quoted = json(kept).dump(-1, ' ', false, json::error_handler_t::replace);
  return json::parse(quoted).get<std::string>() + (kept.size() < text.size() ? "..." : "");
}

// The parser's reason without its "[json.exception...] parse error at ...: "
// prefix, with the input it quotes cut short: that quote can be most of a
// multi-megabyte line.
std::string json_error_reason(std::string_view what) {
  if (const auto bracket = what.find("] "); bracket != std::string_view::npos)
    what.remove_prefix(bracket + 2);
  if (what.starts_with("parse error"))
    if (const auto colon = what.find(": "); colon != std::string_view::npos)
      what.remove_prefix(colon + 2);
  for (const std::string_view marker : {"last read: '", "parsing '"}) {
    const auto found = what.find(marker);
    if (found == std::string_view::npos)
      continue;
    const std::size_t start = found + marker.size();
    // The quote closes before "; expected ..." when the parser adds that,
    // else at the very end.
    std::size_t end = what.rfind("'; expected ");
    if (end == std::string_view::npos || end < start)
      end = std::max(start, what.size() - 1);
    return std::string(what.substr(0, start)) +
           excerpt(what.substr(start, end - start), kQuotedBytes) +
           excerpt(what.substr(end), kQuotedBytes);
  }
  return excerpt(what, 2 * kQuotedBytes);
}

const json* member(const json& object, const char* key) {
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::string describe(const json* value) {
  if (value == nullptr)
    return "nothing";
  if (value->is_string())
    return json(excerpt(value->get_ref<const std::string&>(), kQuotedBytes)).dump();
  return value->type_name();
}

std::string supported_urls() {
  std::string list;
  for (const std::string_view url : kSupportedUrls)
    list += (list.empty() ? "" : ", ") + std::string(url);
  return list;
}

ordered_json embedded_body(std::string_view body) {
  if (!nests_too_deep(body)) {
    ordered_json parsed = ordered_json::parse(body, nullptr, false);
    if (!parsed.is_discarded())
      return parsed;
  }
  return std::string(body);
}

ordered_json response(int status_code, const std::string& request_id,
                      std::string_view response_body) {
  return {{"status_code", status_code},
          {"request_id", request_id},
          {"body", embedded_body(response_body)}};
}

std::string as_line(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + '\n';
}

}  // namespace

ParsedLine parse_batch_line(std::string_view line, std::size_t line_number) {
  const auto problem = [line_number](std::string code, const std::string& what,
                                     std::string custom_id = {}) {
    return LineProblem{std::move(custom_id), std::move(code),
                       "line " + std::to_string(line_number) + ": " + what};
  };
  if (line.size() > kMaxBatchLineBytes)
    return problem("line_too_long", std::to_string(line.size()) +
                                        " bytes; a line may have at most " +
                                        std::to_string(kMaxBatchLineBytes));
  if (nests_too_deep(line))
    return problem("invalid_json",
                   "JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  json parsed;
  try {
    parsed = json::parse(line);
  } catch (const json::parse_error& error) {
    return problem("invalid_json", "invalid JSON at column " + std::to_string(error.byte) + ": " +
                                       json_error_reason(error.what()));
  } catch (const json::exception& error) {  // a number too large for a double
    return problem("invalid_json", "invalid JSON: " + json_error_reason(error.what()));
  }
  if (!parsed.is_object())
    return problem("invalid_json", "expected a JSON object, got " + describe(&parsed));

  const json* custom_id = member(parsed, "custom_id");
  if (custom_id == nullptr)
    return problem("missing_custom_id", "custom_id is missing");
  if (!custom_id->is_string())
    return problem("invalid_custom_id", "custom_id must be a string, got " + describe(custom_id));
  const std::string& id = custom_id->get_ref<const std::string&>();
  if (id.empty())
    return problem("invalid_custom_id", "custom_id must not be empty");
  if (id.size() > kMaxCustomIdBytes)
    return problem("invalid_custom_id", "custom_id is " + std::to_string(id.size()) +
                                            " bytes; at most " + std::to_string(kMaxCustomIdBytes) +
                                            " are allowed");

  const json* method = member(parsed, "method");
  if (method == nullptr || *method != "POST")
    return problem("invalid_method", "method must be \"POST\", got " + describe(method), id);
  const json* url = member(parsed, "url");
  if (url == nullptr || !url->is_string() ||
      !is_supported_batch_url(url->get_ref<const std::string&>()))
    return problem("invalid_url",
                   "url must be one of " + supported_urls() + ", got " + describe(url), id);
  const json* body = member(parsed, "body");
  if (body == nullptr || !body->is_object())
    return problem("invalid_body", "body must be a JSON object, got " + describe(body), id);
  return BatchRequest{id, "POST", url->get<std::string>(), std::move(parsed.at("body"))};
}

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

bool is_supported_batch_url(std::string_view url) {
  return std::find(kSupportedUrls.begin(), kSupportedUrls.end(), url) != kSupportedUrls.end();
}

std::string output_line(const std::string& batch_request_id, const std::string& custom_id,
                        int status_code, const std::string& request_id,
                        std::string_view response_body) {
  return as_line({{"id", batch_request_id},
                  {"custom_id", custom_id},
                  {"response", response(status_code, request_id, response_body)},
                  {"error", nullptr}});
}

std::string error_line(const std::string& batch_request_id, const std::string& custom_id,
                       const std::string& code, const std::string& message,
                       std::optional<int> status_code, const std::string& request_id,
                       std::string_view response_body) {
  return as_line(
      {{"id", batch_request_id},
       {"custom_id", custom_id},
       {"response", status_code ? response(*status_code, request_id, response_body) : nullptr},
       {"error", {{"code", code}, {"message", message}}}});
}

std::optional<std::string> custom_id_of_output_line(std::string_view line) {
  const json parsed = json::parse(line, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("response") || !parsed.contains("error"))
    return std::nullopt;
  const json* id = member(parsed, "id");
  const json* custom_id = member(parsed, "custom_id");
  if (id == nullptr || !id->is_string() || custom_id == nullptr || !custom_id->is_string())
    return std::nullopt;
  return custom_id->get<std::string>();
}

}  // namespace sbench::runner
