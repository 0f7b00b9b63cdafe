#include "providers/command_pool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifndef SBENCH_ECHO_WORKER
#error "SBENCH_ECHO_WORKER must be the path of examples/command_worker/echo_worker.py"
#endif

namespace sbench::runner {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Every wait in these tests ends; a completion that never comes fails the test instead.
constexpr auto kCompletionLimit = 20s;

CommandPoolOptions pool_options(std::vector<std::string> argv, std::size_t workers = 1) {
  CommandPoolOptions options;
  options.argv = std::move(argv);
  options.workers = workers;
  return options;
}

// The echo worker through env(1), which also sets its environment for this pool alone.
std::vector<std::string> echo_worker_with(const std::string& setting) {
  return {"env", setting, SBENCH_ECHO_WORKER};
}

nlohmann::json chat_request(const std::string& content) {
  nlohmann::json messages = nlohmann::json::array();
  messages.push_back(nlohmann::json::object({{"role", "user"}, {"content", content}}));
  return nlohmann::json::object({{"model", "echo"},
                                 {"messages", messages},
                                 {"max_tokens", 16},
                                 {"parameters", nlohmann::json::object()}});
}

std::future<CommandReply> submit(CommandPool& pool, nlohmann::json request,
                                 std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<CommandReply>>();
  std::future<CommandReply> reply = promise->get_future();
  pool.submit(std::move(request), timeout,
              [promise](CommandReply done) { promise->set_value(std::move(done)); });
  return reply;
}

CommandReply wait_for(std::future<CommandReply>& reply) {
  if (reply.wait_for(kCompletionLimit) != std::future_status::ready)
    throw std::runtime_error("no completion within the test's limit");
  return reply.get();
}

CommandReply ask(CommandPool& pool, nlohmann::json request,
                 std::chrono::milliseconds timeout = 10s) {
  std::future<CommandReply> reply = submit(pool, std::move(request), timeout);
  return wait_for(reply);
}

std::string describe(const CommandReply& reply) {
  return std::string(to_string(reply.failure)) + ": " + reply.message;
}

TEST(CommandPool, RoundTripsAReplyWithTheRequestsId) {
  CommandPool pool(pool_options({SBENCH_ECHO_WORKER}));
  const CommandReply first = ask(pool, chat_request("hello"));
  ASSERT_TRUE(first.ok()) << describe(first);
  EXPECT_TRUE(first.message.empty());
  EXPECT_EQ(first.body.at("text"), "echo answers: hello");
  EXPECT_EQ(first.body.at("usage").at("completion_tokens"), 5);  // 19 bytes
  ASSERT_TRUE(first.body.at("id").is_number_integer());

  const CommandReply second = ask(pool, chat_request("again"));
  ASSERT_TRUE(second.ok()) << describe(second);
  EXPECT_NE(second.body.at("id"), first.body.at("id"));

  const CommandPoolStats stats = pool.stats();
  EXPECT_EQ(stats.processes_started, 1u);
  EXPECT_EQ(stats.restarts, 0u);
  EXPECT_EQ(stats.requests, 2u);
}

TEST(CommandPool, ReusesItsWorkersForConcurrentRequests) {
  // Slow enough answers that every worker gets requests.
  CommandPool pool(pool_options(echo_worker_with("ECHO_WORKER_SLEEP_MS=20"), 4));
  std::vector<std::future<CommandReply>> replies;
  for (int i = 0; i < 40; ++i)
    replies.push_back(submit(pool, chat_request("request " + std::to_string(i)), 10s));

  std::set<std::uint64_t> ids;
  for (int i = 0; i < 40; ++i) {
    const CommandReply reply = wait_for(replies[i]);
    ASSERT_TRUE(reply.ok()) << i << ": " << describe(reply);
    EXPECT_EQ(reply.body.at("text"), "echo answers: request " + std::to_string(i));
    ids.insert(reply.body.at("id").get<std::uint64_t>());
  }
  EXPECT_EQ(ids.size(), 40u);
  const CommandPoolStats stats = pool.stats();
  EXPECT_EQ(stats.processes_started, 4u);
  EXPECT_EQ(stats.restarts, 0u);
  EXPECT_EQ(stats.requests, 40u);
}

TEST(CommandPool, ReplacesAWorkerThatExits) {
  CommandPool pool(pool_options(echo_worker_with("ECHO_WORKER_DIE_AFTER=2")));
  ASSERT_TRUE(ask(pool, chat_request("one")).ok());
  ASSERT_TRUE(ask(pool, chat_request("two")).ok());
  // The worker exits right after its second reply. The next request reaches a replacement
  // if the pool sees the exit first; otherwise it went to the exiting worker and failed,
  // and the one after it must reach the replacement.
  int answered = 0;
  bool previous_failed = false;
  for (int i = 0; i < 4; ++i) {
    const CommandReply reply = ask(pool, chat_request("more"));
    if (reply.ok()) {
      ++answered;
      previous_failed = false;
      continue;
    }
    EXPECT_EQ(reply.failure, CommandFailure::worker_died) << describe(reply);
    EXPECT_FALSE(previous_failed) << "two failures in a row: " << describe(reply);
    previous_failed = true;
  }
  EXPECT_GE(answered, 2);
  const CommandPoolStats stats = pool.stats();
  EXPECT_GE(stats.restarts, 1u);
  EXPECT_EQ(stats.processes_started, stats.restarts + 1);
  EXPECT_EQ(stats.requests, 6u);
}

TEST(CommandPool, TimesOutAHungWorkerAndReplacesIt) {
  CommandPool pool(pool_options(echo_worker_with("ECHO_WORKER_SLEEP_MS=1500")));
  const auto start = Clock::now();
  const CommandReply late = ask(pool, chat_request("slow"), 200ms);
  const auto waited = Clock::now() - start;
  EXPECT_EQ(late.failure, CommandFailure::timeout) << describe(late);
  EXPECT_NE(late.message.find("200 ms"), std::string::npos) << late.message;
  EXPECT_LT(waited, 1000ms);

  const CommandReply patient = ask(pool, chat_request("slow"), 10s);
  EXPECT_TRUE(patient.ok()) << describe(patient);
  const CommandPoolStats stats = pool.stats();
  EXPECT_EQ(stats.processes_started, 2u);
  EXPECT_EQ(stats.restarts, 1u);
}

TEST(CommandPool, ReportsACommandThatCannotStart) {
  const std::vector<std::pair<std::string, std::string>> commands_and_reasons = {
      {"sbench-no-such-worker", "not found in PATH"},
      {"/nonexistent/sbench-worker", "No such file or directory"},
      {"/etc/passwd", "Permission denied"},  // not executable
  };
  for (const auto& [command, reason] : commands_and_reasons) {
    CommandPool pool(pool_options({command}));
    const CommandReply reply = ask(pool, chat_request("hello"));
    EXPECT_EQ(reply.failure, CommandFailure::start_failed) << describe(reply);
    EXPECT_NE(reply.message.find(command), std::string::npos) << reply.message;
    EXPECT_NE(reply.message.find(reason), std::string::npos) << reply.message;
    EXPECT_EQ(pool.stats().processes_started, 0u);
  }
}

TEST(CommandPool, GivesUpStartingAfterThreeFailuresInARow) {
  CommandPool pool(pool_options({"sbench-no-such-worker"}));
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(ask(pool, chat_request("hello")).failure, CommandFailure::start_failed);
  EXPECT_EQ(ask(pool, chat_request("hello")).failure, CommandFailure::gave_up);
  std::vector<std::future<CommandReply>> later;
  for (int i = 0; i < 5; ++i)
    later.push_back(submit(pool, chat_request("hello"), 10s));
  for (std::future<CommandReply>& reply : later) {
    const CommandReply failed = wait_for(reply);
    EXPECT_EQ(failed.failure, CommandFailure::gave_up) << describe(failed);
    EXPECT_NE(failed.message.find("gave up"), std::string::npos) << failed.message;
    EXPECT_NE(failed.message.find("sbench-no-such-worker"), std::string::npos) << failed.message;
  }
}

TEST(CommandPool, RejectsAReplyThatIsNotJson) {
  CommandPool pool(pool_options({"/bin/sh", "-c", "read line; echo not-json"}));
  const CommandReply reply = ask(pool, chat_request("hello"));
  EXPECT_EQ(reply.failure, CommandFailure::bad_reply) << describe(reply);
  EXPECT_NE(reply.message.find("not-json"), std::string::npos) << reply.message;

  EXPECT_EQ(ask(pool, chat_request("hello")).failure, CommandFailure::bad_reply);
  EXPECT_EQ(pool.stats().restarts, 1u);
}

TEST(CommandPool, RejectsAReplyWithAnotherId) {
  CommandPool pool(pool_options({"/bin/sh", "-c", "read line; echo '{\"id\": -1}'"}));
  const CommandReply reply = ask(pool, chat_request("hello"));
  EXPECT_EQ(reply.failure, CommandFailure::bad_reply) << describe(reply);
}

TEST(CommandPool, RejectsAReplyLineOver16MiB) {
  CommandPool pool(pool_options(
      {"/bin/sh", "-c", "read line; head -c 17000000 /dev/zero | tr '\\000' a; echo"}));
  const CommandReply reply = ask(pool, chat_request("hello"));
  EXPECT_EQ(reply.failure, CommandFailure::bad_reply) << describe(reply);
  EXPECT_NE(reply.message.find("longer than"), std::string::npos) << reply.message;
}

TEST(CommandPool, KeepsAWorkerThatReportsAnError) {
  CommandPool pool(pool_options({SBENCH_ECHO_WORKER}));
  nlohmann::json no_user_message = chat_request("hello");
  no_user_message["messages"] = nlohmann::json::array();
  const CommandReply refused = ask(pool, no_user_message);
  EXPECT_EQ(refused.failure, CommandFailure::worker_error) << describe(refused);
  EXPECT_NE(refused.message.find("no user message"), std::string::npos) << refused.message;

  EXPECT_TRUE(ask(pool, chat_request("hello")).ok());
  EXPECT_EQ(pool.stats().processes_started, 1u);
}

TEST(CommandPool, RejectsARequestThatIsNotAnObject) {
  CommandPool pool(pool_options({SBENCH_ECHO_WORKER}));
  EXPECT_THROW(pool.submit(nlohmann::json::array(), 1s, [](CommandReply) {}),
               std::invalid_argument);
  EXPECT_EQ(pool.stats().processes_started, 0u);
}

TEST(CommandPool, ShutsDownPromptlyWhenAWorkerIgnoresEndOfInput) {
  auto pool =
      std::make_unique<CommandPool>(pool_options({"/bin/sh", "-c", "trap '' TERM; sleep 60"}));
  std::future<CommandReply> reply = submit(*pool, chat_request("hello"), 60s);
  const auto started_by = Clock::now() + kCompletionLimit;
  while (pool->stats().processes_started == 0 && Clock::now() < started_by)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(pool->stats().processes_started, 1u);

  const auto start = Clock::now();
  pool.reset();
  EXPECT_LT(Clock::now() - start, 5s);
  const CommandReply cut_short = wait_for(reply);
  EXPECT_EQ(cut_short.failure, CommandFailure::timeout) << describe(cut_short);
  EXPECT_NE(cut_short.message.find("shut down"), std::string::npos) << cut_short.message;
}

TEST(CommandPool, StartsNothingUntilUsed) {
  CommandPool pool(pool_options({SBENCH_ECHO_WORKER}, 4));
  const CommandPoolStats stats = pool.stats();
  EXPECT_EQ(stats.processes_started, 0u);
  EXPECT_EQ(stats.requests, 0u);
}

}  // namespace
}  // namespace sbench::runner
