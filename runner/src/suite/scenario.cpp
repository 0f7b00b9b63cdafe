#include "suite/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cache/sha256.hpp"
#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

struct TemplateFile {
  std::string text;
  std::string sha256;
};

bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

class TemplateFiles {
 public:
  explicit TemplateFiles(std::filesystem::path directory) : directory_(std::move(directory)) {}

  const TemplateFile& get(const TableReader& scenario, const std::string& name) {
    if (auto found = files_.find(name); found != files_.end())
      return found->second;
    const std::filesystem::path path = (directory_ / name).lexically_normal();
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw InputError(scenario.where("template") + ": cannot read " + path.string());
    std::ostringstream bytes;
    bytes << in.rdbuf();
    // Prompts travel as JSON strings, which must be UTF-8.
    if (!is_utf8(bytes.str()))
      throw InputError(scenario.where("template") + ": " + path.string() + " is not UTF-8 text");
    TemplateFile file{bytes.str(), sha256_hex(bytes.str())};
    return files_.emplace(name, std::move(file)).first->second;
  }

 private:
  std::filesystem::path directory_;
  std::map<std::string, TemplateFile> files_;
};

std::string default_id(const std::filesystem::path& directory, const std::filesystem::path& file) {
  std::filesystem::path relative = file.lexically_relative(directory);
  relative.replace_extension();
  return relative.generic_string();
}

std::vector<ChatMessage> read_messages(const TableReader& table, const nlohmann::json& raw) {
  std::vector<ChatMessage> messages;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!raw[i].is_object())
      table.fail("messages", "an array of tables with role and content");
    TableReader message = table.sub("messages[" + std::to_string(i) + "]", raw[i]);
    message.reject_unknown({"role", "content"});
    const std::string role = message.string("role");
    if (role != "system" && role != "user" && role != "assistant")
      message.fail("role", "one of system, user, assistant");
    messages.push_back({role, message.string("content")});
  }
  return messages;
}

Scenario read_scenario(const std::filesystem::path& directory, const std::filesystem::path& file,
                       TemplateFiles& templates) {
  const nlohmann::json root = read_toml_file(file);
  const TableReader table(file, root);
  table.reject_unknown({"id", "template", "vars", "messages", "parameters", "max_tokens", "repeats",
                        "checks", "timeout_s"});
  Scenario scenario;
  scenario.file = file;
  scenario.id = table.string_or("id", default_id(directory, file));
  scenario.vars = table.table_or_empty("vars");
  scenario.parameters = table.table_or_empty("parameters");
  if (scenario.parameters.contains("max_tokens") || scenario.parameters.contains("messages"))
    table.fail("parameters", "sampling parameters only (max_tokens and messages are top-level)");
  scenario.max_tokens = static_cast<int>(table.integer_or("max_tokens", 256, 1, 1'000'000));
  scenario.repeats = static_cast<int>(table.integer_or("repeats", 1, 1, 10'000));
  scenario.timeout = std::chrono::milliseconds(
      static_cast<long long>(table.number_or("timeout_s", 180, 0.001, 86'400) * 1000));

  const nlohmann::json& raw_messages = table.array_or_empty("messages");
  const std::vector<ChatMessage> written = read_messages(table, raw_messages);
  for (const ChatMessage& message : written) {
    scenario.messages.push_back(
        {message.role, render_template(message.content, scenario.vars, table.where("messages"))});
  }
  if (table.has("template")) {
    scenario.template_name = table.string("template");
    const TemplateFile& text = templates.get(table, scenario.template_name);
    scenario.template_sha256 = text.sha256;
    scenario.messages.push_back(
        {"user", render_template(text.text, scenario.vars, table.where("template"))});
  }
  if (scenario.messages.empty())
    throw InputError(file.string() + ": a scenario needs messages, a template, or both");

  const nlohmann::json& raw_checks = table.array_or_empty("checks");
  for (std::size_t i = 0; i < raw_checks.size(); ++i) {
    if (!raw_checks[i].is_object())
      table.fail("checks", "an array of tables");
    scenario.checks.push_back(
        read_answer_check(table.sub("checks[" + std::to_string(i) + "]", raw_checks[i])));
  }
  scenario.written_messages = raw_messages;
  scenario.sha256 = sha256_hex(scenario.manifest().dump());
  return scenario;
}

}  // namespace

nlohmann::json Scenario::manifest() const {
  nlohmann::json checks_json = nlohmann::json::array();
  for (const AnswerCheck& check : checks)
    checks_json.push_back(check.to_json());
  return {{"id", id},
          {"template", template_name},
          {"vars", vars},
          {"messages", written_messages},
          {"parameters", parameters},
          {"max_tokens", max_tokens},
          {"checks", checks_json}};
}

std::string render_template(std::string_view text, const nlohmann::json& vars,
                            const std::string& where) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      out.append(text.substr(at));
      return out;
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      throw InputError(where + ": '{{' without a closing '}}'");
    out.append(text.substr(at, open - at));
    std::string name(text.substr(open + 2, close - open - 2));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!vars.contains(name))
      throw InputError(where + ": {{" + name + "}} is not in [vars]");
    const nlohmann::json& value = vars.at(name);
    out += value.is_string() ? value.get<std::string>() : value.dump();
    at = close + 2;
  }
}

Suite load_suite(const std::filesystem::path& directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    throw InputError(directory.string() + ": the suite directory does not exist");
  Suite suite{directory, {}};
  TemplateFiles templates(directory);
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(directory);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == "templates") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".toml")
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::filesystem::path> seen;
  for (const std::filesystem::path& file : files) {
    Scenario scenario = read_scenario(directory, file, templates);
    if (auto [other, fresh] = seen.emplace(scenario.id, file); !fresh) {
      throw InputError(file.string() + ": id \"" + scenario.id + "\" is already used by " +
                       other->second.string());
    }
    suite.scenarios.push_back(std::move(scenario));
  }
  if (suite.scenarios.empty())
    throw InputError(directory.string() + ": no scenario files (*.toml) in the suite directory");
  std::sort(suite.scenarios.begin(), suite.scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return a.id < b.id; });
  return suite;
}

}  // namespace sbench::runner
