#include "scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace sbench::http::testing {

// Plain POSIX sockets: the point is byte-level control, and shutdown() wakes
// a thread blocked in accept() or recv() when the server stops.
struct ScriptedServer::Shared {
  std::mutex mutex;
  std::condition_variable stopping_changed;
  bool stopping = false;
  std::vector<int> open_sockets;

  void untrack(int socket) {
    std::lock_guard lock(mutex);
    std::erase(open_sockets, socket);
  }
};

namespace {

class PosixConnection : public ScriptedConnection {
 public:
  PosixConnection(int socket, std::shared_ptr<ScriptedServer::Shared> shared)
      : socket_(socket), shared_(std::move(shared)) {}
  ~PosixConnection() override { close_socket(); }

  bool read_request() override {
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive_more())
        return false;
    }
    const std::size_t body_length = content_length(pending_.substr(0, head_end));
    const std::size_t total = head_end + 4 + body_length;
    while (pending_.size() < total) {
      if (!receive_more())
        return false;
    }
    last_request_ = pending_.substr(0, total);
    pending_.erase(0, total);
    return true;
  }

  const std::string& last_request() const override { return last_request_; }

  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0)
        return;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  void pause(std::chrono::milliseconds duration) override {
    std::unique_lock lock(shared_->mutex);
    shared_->stopping_changed.wait_for(lock, duration, [&] { return shared_->stopping; });
  }

  void reset() override {
    const linger abortive{1, 0};  // close() now sends RST, not FIN
    ::setsockopt(socket_, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    close_socket();
  }

 private:
  // Untracked first: once closed, the number may name another socket.
  void close_socket() {
    if (socket_ < 0)
      return;
    shared_->untrack(socket_);
    ::close(socket_);
    socket_ = -1;
  }

  bool receive_more() {
    char buffer[4096];
    const ssize_t received = socket_ < 0 ? 0 : ::recv(socket_, buffer, sizeof buffer, 0);
    if (received <= 0)
      return false;
    pending_.append(buffer, static_cast<std::size_t>(received));
    return true;
  }

  static std::size_t content_length(const std::string& head) {
    for (const std::string name : {"Content-Length: ", "content-length: "}) {
      const std::size_t at = head.find(name);
      if (at != std::string::npos)
        return std::stoul(head.substr(at + name.size()));
    }
    return 0;
  }

  int socket_;
  std::shared_ptr<ScriptedServer::Shared> shared_;
  std::string pending_;
  std::string last_request_;
};

}  // namespace

ScriptedServer::ScriptedServer(Script script)
    : script_(std::move(script)), shared_(std::make_shared<Shared>()) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 128) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("scripted server: cannot listen on loopback");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    for (int socket : shared_->open_sockets)
      ::shutdown(socket, SHUT_RDWR);
  }
  shared_->stopping_changed.notify_all();
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  for (auto& connection : connections_)
    connection.join();
  ::close(listener_);
}

void ScriptedServer::accept_loop() {
  for (;;) {
    const int socket = ::accept(listener_, nullptr, nullptr);
    if (socket < 0)
      return;
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping) {
      ::close(socket);
      return;
    }
    ++accepted_;
    shared_->open_sockets.push_back(socket);
    connections_.emplace_back([this, socket] {
      PosixConnection connection(socket, shared_);
      script_(connection);
    });
  }
}

}  // namespace sbench::http::testing
