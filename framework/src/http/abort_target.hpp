#pragma once

#include <memory>

#include "asio.hpp"
#include "connection.hpp"

namespace sbench::http {

// What a cancelled request must interrupt: the timer or connection it is
// waiting on right now. Lives on the client thread; cancel() posts abort().
class AbortTarget {
 public:
  void waiting_on(asio::steady_timer& timer) {
    timer_ = &timer;
    connection_.reset();
  }
  void waiting_on(const std::shared_ptr<Connection>& connection) {
    timer_ = nullptr;
    connection_ = connection;
  }
  void abort() {
    if (timer_ != nullptr)
      timer_->cancel();
    if (auto connection = connection_.lock())
      connection->stream.close();
  }

 private:
  asio::steady_timer* timer_ = nullptr;
  std::weak_ptr<Connection> connection_;
};

}  // namespace sbench::http
