#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sbench/backend.hpp"
#include "sbench/generation.hpp"
#include "support/fake_http_server.hpp"

namespace sbench::testing {

// The backend of kind `kind` pointed at `server`, driving `api` (unset: the
// backend's default).
std::unique_ptr<BackendClient> backend_for(Backend kind, const FakeHttpServer& server,
                                           std::string model = {},
                                           std::optional<ServerApi> api = std::nullopt);

// A text prompt for `agent` (empty: stateless).
GenerateRequest text_request(std::string agent, std::string prompt, bool stream = false);

// A file of tests/data/backends/, e.g. "llamacpp/completion.json".
std::string backend_data(const std::string& name);

// An SSE capture split into its events ("data: ...\n\n" each), so that each
// arrives as its own piece.
std::vector<std::string> sse_pieces(const std::string& capture);
// NDJSON split into lines, each with its newline.
std::vector<std::string> line_pieces(const std::string& capture);

}  // namespace sbench::testing
