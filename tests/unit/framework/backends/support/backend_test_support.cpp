#include "backend_test_support.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sbench::testing {
namespace {

std::vector<std::string> split_after(const std::string& text, const std::string& separator) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find(separator, start);
    const std::size_t stop = end == std::string::npos ? text.size() : end + separator.size();
    pieces.push_back(text.substr(start, stop - start));
    start = stop;
  }
  return pieces;
}

}  // namespace

std::unique_ptr<BackendClient> backend_for(Backend kind, const FakeHttpServer& server,
                                           std::string model, std::optional<ServerApi> api) {
  ServerConfig config;
  config.backend = kind;
  config.api = api;
  config.model = std::move(model);
  config.url = server.url();
  return make_backend(config, {{"127.0.0.1", server.port()}, {}});
}

GenerateRequest text_request(std::string agent, std::string prompt, bool stream) {
  GenerateRequest request;
  request.agent = std::move(agent);
  request.prompt = std::move(prompt);
  request.stream = stream;
  return request;
}

std::string backend_data(const std::string& name) {
  std::ifstream file(std::string(SBENCH_BACKEND_DATA) + "/" + name);
  if (!file)
    throw std::runtime_error("missing test data " + name);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> sse_pieces(const std::string& capture) {
  return split_after(capture, "\n\n");
}

std::vector<std::string> line_pieces(const std::string& capture) {
  return split_after(capture, "\n");
}

}  // namespace sbench::testing
