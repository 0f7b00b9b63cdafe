#include "checked_backend.hpp"
#include "llamacpp_backend.hpp"
#include "ollama_backend.hpp"
#include "openai_backend.hpp"
#include "reference_backend.hpp"
#include "sbench/backend.hpp"

namespace sbench {

namespace {

std::unique_ptr<BackendClient> make_dialect(const ServerConfig& server, BackendTarget target) {
  switch (server.backend) {
    case Backend::reference:
      return std::make_unique<detail::ReferenceBackend>(server, std::move(target));
    case Backend::llamacpp:
      return std::make_unique<detail::LlamaCppBackend>(server, std::move(target));
    case Backend::openai:
      return std::make_unique<detail::OpenAiBackend>(server, std::move(target));
    case Backend::ollama:
      return std::make_unique<detail::OllamaBackend>(server, std::move(target));
  }
  throw std::invalid_argument("unknown backend");
}

}  // namespace

std::unique_ptr<BackendClient> make_backend(const ServerConfig& server, BackendTarget target) {
  return std::make_unique<detail::CheckedBackend>(make_dialect(server, std::move(target)));
}

}  // namespace sbench
