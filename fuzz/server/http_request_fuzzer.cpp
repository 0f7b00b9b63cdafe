// The bytes of one client connection, read as the server's session reads
// them (http/request_framing.hpp: the same parser, limits and framing rules)
// and every complete request answered by the real router. Properties: no
// crash, no sanitizer report, a refusal for every unreadable request, and
// the documented JSON error for every refused one.

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzed_api.hpp"
#include "http/request_framing.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace sbench::server::http;
using sbench::fuzz::require;

// Small limits, so inputs of a few KiB reach them.
constexpr RequestLimits kLimits{.max_header_bytes = 2048, .max_body_bytes = 4096};

enum class Read { request, refused, incomplete };

// Feeds `bytes` to the parser the way the session's reads do; consumes what
// the parser took.
Read read_request(RequestParser& parser, std::string_view& bytes) {
  bool header_checked = false;
  while (!parser.is_done()) {
    boost::beast::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == bhttp::error::need_more || (!ec && used == 0))
      return Read::incomplete;  // the connection would wait, then time out
    if (ec) {
      const auto refusal = unreadable_request_answer(ec, kLimits);
      require(refusal.has_value(), "a parse error without an answer");
      require(refusal->status == 400 || refusal->status == 413 || refusal->status == 431,
              "an unreadable request answered other than 400, 413 or 431");
      return Read::refused;
    }
    if (parser.is_header_done() && !header_checked) {
      header_checked = true;
      if (framing_problem(parser))
        return Read::refused;
    }
  }
  return Read::request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sbench::fuzz::FuzzedApi& api = sbench::fuzz::FuzzedApi::instance();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Keep-alive: request after request until the connection would be closed.
  while (!bytes.empty()) {
    RequestParser parser;
    apply_limits(parser, kLimits);
    if (read_request(parser, bytes) != Read::request)
      break;
    const bool keep_alive = parser.get().keep_alive();
    api.handle(route_request(parser));
    if (!keep_alive)
      break;
  }
  return 0;
}
