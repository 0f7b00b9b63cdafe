#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace sbench::reporters {

// Human-readable reports of one results document (schema version 1). Missing
// suites, cases or fields make their section say so; they never throw.

// GitHub-flavoured Markdown.
std::string markdown_report(const nlohmann::json& results);

// One self-contained HTML page (inline CSS and SVG plots, no external
// resources) that opens offline. All text from the document is escaped.
std::string html_report(const nlohmann::json& results);

}  // namespace sbench::reporters
