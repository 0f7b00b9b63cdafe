#pragma once

#include <stdexcept>
#include <string>

namespace sbench::server {

// Every failure the engine reports to a client. The HTTP layer maps the kind
// to a status code; the message is shown to the user as is.
class EngineError : public std::runtime_error {
 public:
  enum class Kind {
    kBadRequest,    // invalid parameters (400)
    kNotFound,      // unknown agent or missing cache file (404)
    kConflict,      // agent exists, is busy, or is not in memory (409)
    kCorruptCache,  // cache file damaged, truncated or from another model (422)
    kCapacity,      // agent, context or KV block limit reached (429)
    kIo,            // disk error, e.g. full disk while saving (500)
    kShuttingDown,  // server stopping (503)
  };

  EngineError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace sbench::server
