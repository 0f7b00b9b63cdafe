#include "sbench/config.hpp"

namespace sbench {

std::string_view to_string(Backend backend) {
  switch (backend) {
    case Backend::reference:
      return "reference";
    case Backend::llamacpp:
      return "llamacpp";
    case Backend::openai:
      return "openai";
    case Backend::ollama:
      return "ollama";
  }
  return "unknown";
}

std::string_view to_string(ServerApi api) {
  switch (api) {
    case ServerApi::native:
      return "native";
    case ServerApi::chat:
      return "chat";
    case ServerApi::completions:
      return "completions";
  }
  return "unknown";
}

}  // namespace sbench
