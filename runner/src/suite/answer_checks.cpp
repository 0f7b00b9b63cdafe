#include "suite/answer_checks.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

std::string_view kind_name(AnswerCheck::Kind kind) {
  switch (kind) {
    case AnswerCheck::Kind::contains:
      return "contains";
    case AnswerCheck::Kind::regex:
      return "regex";
    case AnswerCheck::Kind::json_keys:
      return "json_keys";
    case AnswerCheck::Kind::exact:
      return "exact";
    case AnswerCheck::Kind::number:
      return "number";
  }
  return "?";
}

// JSON answers often come wrapped in a Markdown code fence.
std::string strip_code_fence(const std::string& answer) {
  static const std::regex fenced(R"(^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?```\s*$)");
  std::smatch match;
  if (std::regex_match(answer, match, fenced))
    return match[1].str();
  return answer;
}

std::optional<double> first_number(const std::string& answer) {
  static const std::regex number(R"([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)");
  std::smatch match;
  if (!std::regex_search(answer, match, number))
    return std::nullopt;
  // strtod, not stod: a number beyond double's range is +-inf (or 0), not
  // an exception.
  return std::strtod(match[0].str().c_str(), nullptr);
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos)
    return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::optional<std::string> failure_of(const AnswerCheck& check, const std::string& answer) {
  switch (check.kind) {
    case AnswerCheck::Kind::contains:
      if (answer.find(check.text) == std::string::npos)
        return "does not contain \"" + check.text + "\"";
      return std::nullopt;
    case AnswerCheck::Kind::regex:
      if (!std::regex_search(answer, std::regex(check.text)))
        return "does not match /" + check.text + "/";
      return std::nullopt;
    case AnswerCheck::Kind::exact:
      if (trim(answer) != check.text)
        return "is not exactly \"" + check.text + "\"";
      return std::nullopt;
    case AnswerCheck::Kind::json_keys: {
      const nlohmann::json parsed =
          nlohmann::json::parse(strip_code_fence(answer), nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded() || !parsed.is_object())
        return std::string("is not a JSON object");
      for (const std::string& key : check.keys) {
        if (!parsed.contains(key))
          return "JSON lacks key \"" + key + "\"";
      }
      return std::nullopt;
    }
    case AnswerCheck::Kind::number: {
      const std::optional<double> found = first_number(answer);
      if (!found)
        return std::string("has no number");
      if (std::fabs(*found - check.number) > check.tolerance) {
        return "number " + std::to_string(*found) + " is not " + std::to_string(check.number) +
               " +- " + std::to_string(check.tolerance);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json AnswerCheck::to_json() const {
  nlohmann::json check = {{"kind", kind_name(kind)}};
  switch (kind) {
    case Kind::json_keys:
      check["keys"] = keys;
      break;
    case Kind::number:
      check["number"] = number;
      check["tolerance"] = tolerance;
      break;
    default:
      check["text"] = text;
  }
  return check;
}

AnswerCheck read_answer_check(const TableReader& table) {
  table.reject_unknown({"contains", "regex", "json_keys", "exact", "number", "tolerance"});
  int kinds = 0;
  AnswerCheck check;
  if (table.has("contains")) {
    check.kind = AnswerCheck::Kind::contains;
    check.text = table.string("contains");
    ++kinds;
  }
  if (table.has("regex")) {
    check.kind = AnswerCheck::Kind::regex;
    check.text = table.string("regex");
    try {
      std::regex{check.text};
    } catch (const std::regex_error& error) {
      table.fail("regex",
                 std::string("a valid ECMAScript regular expression (") + error.what() + ")");
    }
    ++kinds;
  }
  if (table.has("exact")) {
    check.kind = AnswerCheck::Kind::exact;
    check.text = table.value("exact").is_string() ? table.value("exact").get<std::string>() : "";
    if (!table.value("exact").is_string())
      table.fail("exact", "a string");
    ++kinds;
  }
  if (table.has("json_keys")) {
    check.kind = AnswerCheck::Kind::json_keys;
    for (const nlohmann::json& key : table.array_or_empty("json_keys")) {
      if (!key.is_string())
        table.fail("json_keys", "an array of strings");
      check.keys.push_back(key.get<std::string>());
    }
    ++kinds;
  }
  if (table.has("number")) {
    check.kind = AnswerCheck::Kind::number;
    const nlohmann::json& number = table.value("number");
    if (!number.is_number())
      table.fail("number", "a number");
    check.number = number.get<double>();
    check.tolerance = table.number_or("tolerance", 0, 0, 1e300);
    ++kinds;
  } else if (table.has("tolerance")) {
    table.fail("tolerance", "to go with a `number` check");
  }
  if (kinds != 1) {
    throw InputError(table.where("") +
                     ": a check has exactly one of contains, regex, json_keys, exact, number");
  }
  return check;
}

CheckOutcome run_checks(const std::vector<AnswerCheck>& checks, const std::string& answer) {
  CheckOutcome outcome;
  for (const AnswerCheck& check : checks) {
    if (std::optional<std::string> failure = failure_of(check, answer)) {
      outcome.passed = false;
      outcome.failures.push_back(std::string(kind_name(check.kind)) + ": answer " + *failure);
    }
  }
  return outcome;
}

}  // namespace sbench::runner
