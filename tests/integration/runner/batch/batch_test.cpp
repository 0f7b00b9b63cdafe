// `sbench batch` as a user types it, against the provider double and real
// sbench-server processes: answers exactly once through SIGKILL, bad lines,
// dead servers, retries and shards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "integration/runner/runner_test_support.hpp"

namespace sbench::testing {
namespace {

using ::testing::HasSubstr;

std::string request_line(const std::string& custom_id, const std::string& model = "double-model") {
  return nlohmann::json{
      {"custom_id", custom_id},
      {"method", "POST"},
      {"url", "/v1/chat/completions"},
      {"body",
       {{"model", model},
        {"max_tokens", 16},
        {"messages", nlohmann::json::array({{{"role", "user"}, {"content", "Hi " + custom_id}}})}}}}
      .dump();
}

// Lines of an output or error file by custom_id, failing on one seen twice.
// Lines whose custom_id could not be read ("") are told apart by their id.
std::map<std::string, nlohmann::json> lines_by_id(const std::filesystem::path& file) {
  std::map<std::string, nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json parsed = nlohmann::json::parse(line);
    std::string id = parsed["custom_id"].get<std::string>();
    if (id.empty())
      id = "unreadable " + parsed["id"].get<std::string>();
    EXPECT_TRUE(lines.emplace(id, std::move(parsed)).second) << id << " twice in " << file;
  }
  return lines;
}

class BatchProject {
 public:
  std::filesystem::path path(const std::string& name) const { return dir_.path(name); }
  std::filesystem::path input(const std::vector<std::string>& lines,
                              const std::string& name = "requests.jsonl") const {
    std::string text;
    for (const std::string& line : lines)
      text += line + "\n";
    write_file(path(name), text);
    return path(name);
  }
  std::string command(const std::string& arguments) const {
    return std::string(SBENCH_CLI) + " batch " + arguments + " --queue " +
           shell_quote(path("queue").string());
  }
  CommandResult run(const std::string& arguments) const {
    return run_command("cd " + shell_quote(dir_.path().string()) + " && " + command(arguments));
  }
  std::filesystem::path output(const std::string& stem = "requests") const {
    return path(stem + ".output.jsonl");
  }
  std::filesystem::path errors(const std::string& stem = "requests") const {
    return path(stem + ".errors.jsonl");
  }

 private:
  TempDir dir_;
};

std::vector<std::string> numbered(std::size_t count) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i)
    lines.push_back(request_line("req-" + std::to_string(i)));
  return lines;
}

TEST(Batch, AnswersEveryLineOnceAndSendsBadLinesToTheErrorFile) {
  ProviderDouble provider({"--latency-ms", "5"});
  BatchProject project;
  std::vector<std::string> lines = numbered(50);
  lines.push_back("{not json");
  lines.push_back(R"({"method":"POST","url":"/v1/chat/completions","body":{}})");
  lines.push_back(
      R"({"custom_id":"no-messages","method":"POST","url":"/v1/chat/completions","body":{"model":"double-model"}})");
  project.input(lines);
  const CommandResult added = project.run("add requests.jsonl");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_THAT(added.output, HasSubstr("53 requests, 2 of them bad lines"));
  const CommandResult ran =
      project.run("run --workers 4 --progress quiet --endpoint " + provider.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  const auto output = lines_by_id(project.output());
  const auto errors = lines_by_id(project.errors());
  EXPECT_EQ(output.size(), 50u);
  ASSERT_EQ(output.count("req-7"), 1u);
  const nlohmann::json& answer = output.at("req-7");
  EXPECT_EQ(answer["response"]["status_code"], 200);
  EXPECT_THAT(answer["response"]["body"]["choices"][0]["message"]["content"].get<std::string>(),
              HasSubstr("req-7"));
  EXPECT_TRUE(answer["error"].is_null());
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors.count("unreadable batch_req_1_51"), 1u);  // line 51: not JSON
  ASSERT_EQ(errors.count("no-messages"), 1u);
  EXPECT_EQ(errors.at("no-messages")["response"]["status_code"], 400);
  const CommandResult status = project.run("status");
  EXPECT_THAT(status.output, HasSubstr("done; 50 done, 3 failed, 0 remaining of 53"));
}

TEST(Batch, RepeatedCustomIdsAreRefusedBeforeAnythingIsQueued) {
  BatchProject project;
  project.input({request_line("a"), request_line("b"), request_line("a")});
  const CommandResult added = project.run("add requests.jsonl");
  EXPECT_EQ(added.exit_code, 2);
  EXPECT_THAT(added.output, HasSubstr("\"a\" on lines 1 and 3"));
  EXPECT_THAT(project.run("status").output, HasSubstr("no jobs"));
}

TEST(Batch, AJobKilledTwiceResumesWithEveryAnswerOnce) {
  ProviderDouble provider({"--latency-ms", "20"});
  BatchProject project;
  project.input(numbered(400));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  // 400 requests, 4 at a time, 20 ms each: about 2 s; killed twice on the way.
  const std::string run =
      project.command("run --workers 4 --progress quiet --endpoint " + provider.url());
  for (const char* after : {"0.6", "0.5"}) {
    const CommandResult killed = run_command(
        "cd " + shell_quote(project.path("").string()) + " && " + run +
        " > /dev/null & pid=$!; sleep " + after + "; kill -KILL $pid; wait $pid; echo status=$?");
    ASSERT_THAT(killed.output, HasSubstr("status=137"));
  }
  const std::size_t before_resume = lines_by_id(project.output()).size();
  EXPECT_GT(before_resume, 0u);
  EXPECT_LT(before_resume, 400u);
  const CommandResult resumed =
      project.run("run --workers 4 --progress quiet --endpoint " + provider.url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto output = lines_by_id(project.output());
  EXPECT_EQ(output.size(), 400u);
  for (std::size_t i = 0; i < 400; ++i)
    EXPECT_EQ(output.count("req-" + std::to_string(i)), 1u) << i;
}

TEST(Batch, ADeadEndpointIsSetAsideAndTheOthersFinishTheJob) {
  ProviderDouble provider({"--latency-ms", "5"});
  BatchProject project;
  project.input(numbered(100));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  const CommandResult ran = project.run(
      "run --workers 4 --progress quiet --endpoint http://127.0.0.1:9 "
      "--endpoint " +
      provider.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(lines_by_id(project.output()).size(), 100u);
  EXPECT_FALSE(std::filesystem::exists(project.errors()) &&
               std::filesystem::file_size(project.errors()) > 0);
}

TEST(Batch, WhenEveryEndpointIsDownTheJobPausesThenGivesUpKeepingItsPlace) {
  BatchProject project;
  project.input(numbered(20));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  const CommandResult down =
      project.run("run --workers 2 --progress quiet --max-pause 2 --endpoint http://127.0.0.1:9");
  EXPECT_EQ(down.exit_code, 1) << down.output;
  EXPECT_THAT(down.output, HasSubstr("every endpoint is down"));
  EXPECT_THAT(down.output, HasSubstr("--max-pause"));
  EXPECT_THAT(project.run("status").output, HasSubstr("0 done, 0 failed, 20 remaining"));
  ProviderDouble provider({"--latency-ms", "5"});
  const CommandResult up =
      project.run("run --workers 2 --progress quiet --endpoint " + provider.url());
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(lines_by_id(project.output()).size(), 20u);
}

TEST(Batch, RetryFailedQueuesANewJobOfTheFailuresWithItsOwnFiles) {
  ProviderDouble failing({"--latency-ms", "2", "--error-rate", "0.3", "--seed", "5"});
  BatchProject project;
  project.input(numbered(60));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  ASSERT_EQ(
      project.run("run --workers 4 --progress quiet --max-attempts 1 --endpoint " + failing.url())
          .exit_code,
      0);
  const auto first_errors = lines_by_id(project.errors());
  ASSERT_GT(first_errors.size(), 5u);
  const CommandResult retry = project.run("retry-failed 1");
  ASSERT_EQ(retry.exit_code, 0) << retry.output;
  EXPECT_THAT(retry.output, HasSubstr("job 2 retries the " + std::to_string(first_errors.size())));
  ProviderDouble healthy({"--latency-ms", "2"});
  ASSERT_EQ(project.run("run --workers 4 --progress quiet --endpoint " + healthy.url()).exit_code,
            0);
  const auto first = lines_by_id(project.output());
  const auto second = lines_by_id(project.path("requests.retry-2.output.jsonl"));
  EXPECT_EQ(second.size(), first_errors.size());
  std::set<std::string> all;
  for (const auto& [id, line] : first)
    all.insert(id);
  for (const auto& [id, line] : second)
    EXPECT_TRUE(all.insert(id).second) << id << " answered in both jobs";
  EXPECT_EQ(all.size(), 60u);
}

TEST(Batch, ShardsSplitTheFileAndMergeBackIntoEveryRequestOnce) {
  ProviderDouble provider({"--latency-ms", "2"});
  BatchProject project;
  project.input(numbered(80));
  std::vector<std::string> outputs;
  for (const char* shard : {"0/2", "1/2"}) {
    const std::string queue =
        std::string(" --queue ") + shell_quote(project.path(std::string("q") + shard[0]).string());
    const std::string cd = "cd " + shell_quote(project.path("").string()) + " && ";
    ASSERT_EQ(run_command(cd + SBENCH_CLI + " batch add requests.jsonl --shard " + shard + queue)
                  .exit_code,
              0);
    ASSERT_EQ(run_command(cd + SBENCH_CLI + " batch run --workers 4 --progress quiet --endpoint " +
                          provider.url() + queue)
                  .exit_code,
              0);
    outputs.push_back(
        project.path(std::string("requests.shard-") + shard[0] + "-of-2.output.jsonl").string());
  }
  const auto part = lines_by_id(outputs[0]);
  EXPECT_GT(part.size(), 20u);
  EXPECT_LT(part.size(), 60u);
  const CommandResult merged = run_command(std::string(SBENCH_CLI) + " batch merge --into " +
                                           shell_quote(project.path("all.jsonl").string()) + " " +
                                           shell_quote(outputs[0]) + " " + shell_quote(outputs[1]));
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(lines_by_id(project.path("all.jsonl")).size(), 80u);
  const CommandResult overlap =
      run_command(std::string(SBENCH_CLI) + " batch merge --into " +
                  shell_quote(project.path("twice.jsonl").string()) + " " +
                  shell_quote(outputs[0]) + " " + shell_quote(outputs[0]));
  EXPECT_EQ(overlap.exit_code, 2);
  EXPECT_THAT(overlap.output, HasSubstr("the shards overlap"));
}

TEST(Batch, TakesItsWorkerCountFromTheSweepsRecommendation) {
  ProviderDouble provider({"--latency-ms", "2"});
  BatchProject project;
  project.input(numbered(10));
  write_file(project.path("sweep/sweep_results.json"),
             R"({"answer":{"recommendation":{"found":true,"workers":3}}})");
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  const CommandResult ran = project.run("run --progress quiet --endpoint " + provider.url());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_THAT(ran.output,
              HasSubstr("3 workers per endpoint, as sweep/sweep_results.json recommends"));
  EXPECT_LE(provider.stats()["max_in_flight"].get<int>(), 3);
}

TEST(Batch, AFullDiskStopsTheJobWithoutCountingAnAnswerAndTheNextRunFinishesIt) {
  ProviderDouble provider({"--latency-ms", "2"});
  BatchProject project;
  project.input(numbered(30));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  // Every write to /dev/full fails with ENOSPC, as on a full disk.
  std::filesystem::create_symlink("/dev/full", project.output());
  const CommandResult full =
      project.run("run --workers 4 --progress quiet --endpoint " + provider.url());
  EXPECT_EQ(full.exit_code, 1) << full.output;
  EXPECT_THAT(full.output, HasSubstr("No space left on device"));
  EXPECT_THAT(project.run("status").output, HasSubstr("0 done, 0 failed, 30 remaining"));
  std::filesystem::remove(project.output());
  const CommandResult freed =
      project.run("run --workers 4 --progress quiet --endpoint " + provider.url());
  ASSERT_EQ(freed.exit_code, 0) << freed.output;
  EXPECT_EQ(lines_by_id(project.output()).size(), 30u);
}

TEST(Batch, AChangedInputFileIsRefusedRatherThanAnsweredFromTheWrongLines) {
  ProviderDouble provider({"--latency-ms", "2"});
  BatchProject project;
  project.input(numbered(10));
  ASSERT_EQ(project.run("add requests.jsonl").exit_code, 0);
  project.input(numbered(12));
  const CommandResult ran = project.run("run --progress quiet --endpoint " + provider.url());
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_THAT(ran.output, HasSubstr("changed"));
}

}  // namespace
}  // namespace sbench::testing
