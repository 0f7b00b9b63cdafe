#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sbench/generation.hpp"
#include "server_connection.hpp"

namespace sbench::detail {

// One stateless POST /v1/completions (OpenAI's Completions API, as vLLM,
// SGLang, TGI, llama.cpp and sbench-server serve it). `prompt` is a string or
// an array of token ids. Streams ask for the usage chunk
// (stream_options.include_usage) so token counts come from the server.
GenerateResult complete(ServerConnection& server, const GenerateRequest& request,
                        const std::string& model, nlohmann::json prompt);

}  // namespace sbench::detail
