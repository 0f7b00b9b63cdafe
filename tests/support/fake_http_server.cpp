#include "support/fake_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

namespace sbench::testing {
namespace {

constexpr int kPollMs = 20;

std::string read_request_bytes(int connection) {
  std::string data;
  char buffer[4096];
  for (;;) {
    const auto head_end = data.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto length_at = data.find("Content-Length: ");
      const std::size_t length = length_at < head_end ? std::stoul(data.substr(length_at + 16)) : 0;
      if (data.size() >= head_end + 4 + length)
        return data;
    }
    const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0)
      return data;
    data.append(buffer, static_cast<std::size_t>(got));
  }
}

RecordedRequest parse_request(const std::string& data) {
  RecordedRequest request;
  std::istringstream line(data.substr(0, data.find("\r\n")));
  line >> request.method >> request.target;
  const auto head_end = data.find("\r\n\r\n");
  request.has_content_length = data.find("Content-Length: ") < head_end;
  if (head_end != std::string::npos)
    request.body = data.substr(head_end + 4);
  return request;
}

void send_all(int connection, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t wrote =
        ::send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (wrote <= 0)
      return;
    sent += static_cast<std::size_t>(wrote);
  }
}

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("fake server cannot listen");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  thread_.join();
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::serve() {
  for (;;) {
    pollfd readable{listener_, POLLIN, 0};
    if (::poll(&readable, 1, kPollMs) < 0 || (readable.revents & (POLLERR | POLLHUP | POLLNVAL)))
      return;
    if (!(readable.revents & POLLIN))
      continue;
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0)
      return;
    answer(connection);
    ::close(connection);
  }
}

void FakeHttpServer::answer(int connection) {
  const RecordedRequest request = parse_request(read_request_bytes(connection));
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  const Reply reply = handler_(request);
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) +
                     " X\r\nContent-Type: " + reply.content_type + "\r\nConnection: close\r\n";
  for (const std::string& line : reply.headers)
    head += line + "\r\n";
  send_all(connection, head + "\r\n");
  std::vector<std::chrono::steady_clock::time_point> written;
  for (std::size_t i = 0; i < reply.pieces.size(); ++i) {
    if (i < reply.delays.size())
      std::this_thread::sleep_for(reply.delays[i]);
    send_all(connection, reply.pieces[i]);
    written.push_back(std::chrono::steady_clock::now());
    if (reply.delays.empty())
      std::this_thread::sleep_for(reply.gap);
  }
  if (reply.reset) {
    // A zero linger makes the close() that follows send RST.
    const linger abort_on_close{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  }
  std::lock_guard lock(mutex_);
  written_at_ = std::move(written);
}

std::vector<std::chrono::steady_clock::time_point> FakeHttpServer::written_at() const {
  std::lock_guard lock(mutex_);
  return written_at_;
}

Reply json_reply(std::string body, int status) {
  Reply reply;
  reply.status = status;
  reply.pieces.push_back(std::move(body));
  return reply;
}

Reply streamed_reply(std::string content_type, std::vector<std::string> pieces) {
  Reply reply;
  reply.content_type = std::move(content_type);
  reply.pieces = std::move(pieces);
  reply.gap = std::chrono::milliseconds(20);
  return reply;
}

}  // namespace sbench::testing
