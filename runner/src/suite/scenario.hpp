#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "suite/answer_checks.hpp"

namespace sbench::runner {

struct ChatMessage {
  std::string role;
  std::string content;
};

// One scenario file of a suite (docs/RUNNER.md, "Scenarios"): what is asked,
// how often, and how the answer is judged.
struct Scenario {
  std::string id;
  std::filesystem::path file;
  // The prompt template file, relative to the suite directory, and the
  // SHA-256 of its bytes; both empty without a template.
  std::string template_name;
  std::string template_sha256;
  nlohmann::json vars = nlohmann::json::object();
  // As rendered: `{{var}}` replaced, the template appended as the last user
  // message.
  std::vector<ChatMessage> messages;
  // The messages as written, before rendering: with the template's own hash
  // they say what was asked, and editing a template is told apart from
  // editing a scenario.
  nlohmann::json written_messages = nlohmann::json::array();
  nlohmann::json parameters = nlohmann::json::object();  // sampling, sent as given
  int max_tokens = 256;
  int repeats = 1;
  std::vector<AnswerCheck> checks;
  std::chrono::milliseconds timeout{180'000};
  // SHA-256 of manifest() as canonical JSON: what
  // --incremental compares, and part of every cache key.
  std::string sha256;

  nlohmann::json manifest() const;
};

struct Suite {
  std::filesystem::path directory;
  std::vector<Scenario> scenarios;  // sorted by id
};

// Every `*.toml` under `directory` (recursively, except under `templates/`)
// is a scenario. Throws InputError naming the file and key of the first
// problem; ids must be unique.
Suite load_suite(const std::filesystem::path& directory);

// `{{ name }}` replaced by vars[name] (strings as they are, other values as
// JSON). An unknown name is an error: a typo must not send a prompt with a
// hole in it.
std::string render_template(std::string_view text, const nlohmann::json& vars,
                            const std::string& where);

}  // namespace sbench::runner
