#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sbench::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool chunked = false;  // sent with Transfer-Encoding: chunked

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_case_name) const;
};

// A small blocking HTTP/1.1 client on one keep-alive connection. Every call
// fails with an exception after the timeout instead of hanging.
class HttpClient {
 public:
  HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "");
  HttpResult post_json(const std::string& target, const nlohmann::json& body);

  // For answers read piece by piece (streams): send, then read the header,
  // then body pieces as they arrive.
  void send_request(const std::string& method, const std::string& target, const std::string& body);
  HttpResult read_header();
  // Appends what arrives next to `body`; returns false once the response is complete.
  bool read_body_some(std::string& body);

  // For requests no well-behaved client sends.
  void send_raw(const std::string& bytes);
  // Everything the server sends until it closes the connection; throws on timeout.
  std::string read_until_closed();
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sbench::test
