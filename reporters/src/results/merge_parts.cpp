#include "sbench/reporters/merge_parts.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "sbench/reporters/part_document.hpp"
#include "sbench/reporters/results_document.hpp"
#include "suite_summary.hpp"

namespace sbench::reporters {
namespace {

struct Part {
  std::filesystem::path file;
  nlohmann::json document;
};

// What a part was measured against; parts that differ in these are not
// comparable, e.g. yesterday's full run and today's quick run.
constexpr const char* identity_keys[] = {"backend", "model", "quick", "server_command",
                                         "server_url"};

// The fields the merge reads, of the types it reads them as: a part that a
// crashed writer, an old version or a hand edit left otherwise is unreadable,
// not a type error halfway through the merge.
void check_merged_fields(const nlohmann::json& document) {
  const auto require = [](bool holds, const std::string& what) {
    if (!holds)
      throw ResultsDocumentError(what);
  };
  const auto optional_string = [](const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found == object.end() || found->is_string();
  };
  require(optional_string(document["context"], "time"), "context.time must be a string");
  const nlohmann::json& suites = document["suites"];
  for (std::size_t i = 0; i < suites.size(); ++i) {
    const std::string at = "suites[" + std::to_string(i) + "]";
    const nlohmann::json& suite = suites[i];
    require(suite.is_object(), at + " must be an object");
    require(suite.contains("name") && suite["name"].is_string(), at + ".name must be a string");
    require(!suite.contains("invocations") || suite["invocations"].is_number_integer(),
            at + ".invocations must be an integer");
  }
  const nlohmann::json& cases = document["cases"];
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string at = "cases[" + std::to_string(i) + "]";
    const nlohmann::json& entry = cases[i];
    require(entry.is_object(), at + " must be an object");
    for (const char* key : {"suite", "instance"})
      require(entry.contains(key) && entry[key].is_string(), at + "." + key + " must be a string");
    require(optional_string(entry, "status"), at + ".status must be a string");
  }
}

std::optional<Part> read_part(const std::filesystem::path& file, std::ostream& warnings) {
  try {
    nlohmann::json document = read_results_document(file);
    check_merged_fields(document);
    return Part{file, std::move(document)};
  } catch (const std::exception& error) {
    warnings << "sbench: warning: skipping unreadable result part " << file.string() << ": "
             << error.what() << "\n";
    return std::nullopt;
  }
}

// Oldest first, by the time each part was written, then by name.
std::vector<Part> read_parts(const std::filesystem::path& parts_dir, std::ostream& warnings) {
  std::vector<Part> parts;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(parts_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") || entry.path().extension() != ".json" || !entry.is_regular_file())
      continue;  // temporary files of writers, the lock
    if (std::optional<Part> part = read_part(entry.path(), warnings))
      parts.push_back(std::move(*part));
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    const std::string a_time = a.document["context"].value("time", "");
    const std::string b_time = b.document["context"].value("time", "");
    return a_time != b_time ? a_time < b_time : a.file < b.file;
  });
  return parts;
}

std::string identity_difference(const nlohmann::json& context, const nlohmann::json& newest) {
  std::string difference;
  for (const char* key : identity_keys) {
    const nlohmann::json mine = context.value(key, nlohmann::json());
    const nlohmann::json theirs = newest.value(key, nlohmann::json());
    if (mine != theirs)
      difference += std::string(difference.empty() ? "" : ", ") + key + " " + mine.dump() +
                    " (newest: " + theirs.dump() + ")";
  }
  return difference;
}

void merge_suite(nlohmann::json& suites, const nlohmann::json& invocation) {
  const std::string name = invocation.value("name", "");
  auto same = std::find_if(suites.begin(), suites.end(), [&](const nlohmann::json& suite) {
    return suite.value("name", "") == name;
  });
  if (same == suites.end()) {
    suites.push_back(invocation);
    return;
  }
  const int invocations = same->value("invocations", 1) + invocation.value("invocations", 1);
  *same = invocation;  // parts come oldest first: the latest invocation describes the suite
  (*same)["invocations"] = invocations;
}

}  // namespace

MergedResults merge_parts(const std::filesystem::path& parts_dir, std::ostream& warnings) {
  std::vector<Part> parts = read_parts(parts_dir, warnings);
  if (parts.empty())
    return {nullptr, 0};
  const nlohmann::json newest_context = parts.back().document["context"];

  nlohmann::json suites = nlohmann::json::array();
  std::vector<std::pair<std::string, std::string>> order;  // (suite, instance), first seen first
  std::map<std::pair<std::string, std::string>, nlohmann::json> cases;
  int used = 0;
  for (const Part& part : parts) {
    const std::string difference = identity_difference(part.document["context"], newest_context);
    if (!difference.empty()) {
      warnings << "sbench: warning: leaving out result part " << part.file.string()
               << ": measured with another setup: " << difference << "\n";
      continue;
    }
    ++used;
    for (const nlohmann::json& invocation : part.document["suites"])
      merge_suite(suites, invocation);
    for (const nlohmann::json& entry : part.document["cases"]) {
      const std::pair key{entry.value("suite", ""), entry.value("instance", "")};
      if (!cases.contains(key))
        order.push_back(key);
      cases[key] = entry;
    }
  }
  nlohmann::json merged_cases = nlohmann::json::array();
  for (const auto& key : order)
    merged_cases.push_back(cases[key]);
  for (nlohmann::json& suite : suites)
    detail::count_case_statuses(suite, merged_cases);

  nlohmann::json document = parts.back().document;
  document["suites"] = std::move(suites);
  document["checks"] = detail::checks_summary(merged_cases);
  document["cases"] = std::move(merged_cases);
  document["targets"] = nullptr;
  return {std::move(document), used};
}

}  // namespace sbench::reporters
