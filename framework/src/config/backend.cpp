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

}  // namespace sbench
