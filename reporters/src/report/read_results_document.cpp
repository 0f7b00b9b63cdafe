#include <fstream>
#include <nlohmann/json.hpp>

#include "sbench/reporters/results_document.hpp"

namespace sbench::reporters {

nlohmann::json read_results_document(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw ResultsDocumentError("results file " + name + " does not exist or is not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw ResultsDocumentError("cannot read results file " + name);
  nlohmann::json document = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    throw ResultsDocumentError(name + " is not valid JSON");
  if (!document.is_object())
    throw ResultsDocumentError(name + ": expected a JSON object at the top level");
  const auto version = document.find("schema_version");
  if (version == document.end())
    throw ResultsDocumentError(name + ": no schema_version; not a semantic-bench results file");
  if (!version->is_number_integer() || version->get<int>() != results_schema_version) {
    throw ResultsDocumentError(name + ": schema_version is " + version->dump() + ", expected " +
                               std::to_string(results_schema_version));
  }
  if (const auto context = document.find("context");
      context == document.end() || !context->is_object())
    throw ResultsDocumentError(name + ": \"context\" must be an object");
  for (const char* array : {"suites", "cases"}) {
    if (const auto found = document.find(array); found == document.end() || !found->is_array())
      throw ResultsDocumentError(name + ": \"" + array + "\" must be an array");
  }
  return document;
}

}  // namespace sbench::reporters
