#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sbench::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string body;
  bool has_content_length = false;
};

// What the fake server answers: a status, a content type and a body sent in
// pieces `gap` apart (so streamed chunks arrive at distinct times), then the
// connection is closed, which ends the body.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::string> pieces;
  std::chrono::milliseconds gap{0};
  // When set, the wait before each piece instead of `gap` after it.
  std::vector<std::chrono::milliseconds> delays;
  std::vector<std::string> headers;  // extra head lines: "Retry-After: 1"
  bool reset = false;                // end with a TCP RST instead of a close
};

// A test double of an HTTP server: scripted answers on a loopback port, plain sockets, one
// connection at a time; records every request it got.
class FakeHttpServer {
 public:
  using Handler = std::function<Reply(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests() const;
  // When each piece of the last reply had been handed to the socket: the
  // truth a client's arrival times are checked against.
  std::vector<std::chrono::steady_clock::time_point> written_at() const;

 private:
  void serve();
  void answer(int connection);

  Handler handler_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::chrono::steady_clock::time_point> written_at_;
  std::thread thread_;
};

Reply json_reply(std::string body, int status = 200);
// Pieces 20 ms apart, so each chunk's arrival time is distinct.
Reply streamed_reply(std::string content_type, std::vector<std::string> pieces);

}  // namespace sbench::testing
