#include "sbench/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sbench {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("sbench-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "nested" / "deeper");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_config(const std::string& text, const fs::path& relative = "sbench.toml") {
    const fs::path file = dir_ / relative;
    std::ofstream(file) << text;
    return file;
  }

  std::string load_error(const ConfigSources& sources) {
    try {
      load_config(sources);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "no error";
  }

  fs::path dir_;
};

TEST_F(ConfigTest, BuiltInDefaultsWithoutAnyFile) {
  const Config config = load_config({});
  EXPECT_EQ(config.server.model, "small");
  EXPECT_EQ(config.server.backend, Backend::reference);
  EXPECT_EQ(config.run.output, "benchmark_results.json");
  EXPECT_FALSE(config.run.quick);
  EXPECT_TRUE(config.markers.contains("benchmark"));
  EXPECT_TRUE(config.markers.contains("slow"));
  EXPECT_TRUE(config.file.empty());
}

TEST_F(ConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  const fs::path file = write_config(R"(
[server]
model = "from-file"
startup_timeout_s = 5
backend = "llamacpp"
[run]
output = "file.json"
repetitions = 3
)");
  ConfigSources sources;
  sources.explicit_file = file;
  sources.environment = {{"SEMANTIC_BENCHMARK_MODEL", "from-env"},
                         {"SEMANTIC_BENCHMARK_OUTPUT", "/tmp/env.json"},
                         {"SEMANTIC_BENCHMARK_SERVER_BACKEND", "ollama"}};
  sources.flags = {{"--sbench-model", "from-flag"}};
  const Config config = load_config(sources);
  EXPECT_EQ(config.server.model, "from-flag");             // flag > env > file
  EXPECT_EQ(config.run.output, "/tmp/env.json");           // env > file
  EXPECT_EQ(config.server.backend, Backend::ollama);       // env > file
  EXPECT_EQ(config.run.repetitions, 3);                    // file > default
  EXPECT_DOUBLE_EQ(config.server.startup_timeout_s, 5.0);  // file > default
  EXPECT_EQ(config.server.health_path, "/health");         // default
  EXPECT_EQ(config.file, file);
}

TEST_F(ConfigTest, QuickSelectsQuickSizes) {
  write_config("[quick]\nagent_counts = [2]\n");
  ConfigSources sources;
  sources.search_from = dir_;
  sources.default_sizes = {.full = Sizes({{"agent_counts", {1, 3, 5}}}),
                           .quick = Sizes({{"agent_counts", {1}}})};
  EXPECT_EQ(load_config(sources).size<std::vector<std::int64_t>>("agent_counts"),
            (std::vector<std::int64_t>{1, 3, 5}));
  sources.environment = {{"SEMANTIC_BENCHMARK_QUICK", "1"}};
  EXPECT_EQ(load_config(sources).size<std::vector<std::int64_t>>("agent_counts"),
            (std::vector<std::int64_t>{2}));
  sources.flags = {{"--sbench-quick", "false"}};
  EXPECT_FALSE(load_config(sources).run.quick);
}

TEST_F(ConfigTest, AnySizeKeyComesFromDefaultsThenFileThenEnvironmentThenFlags) {
  write_config("[sizes]\nprompt_lengths = [16, 32]\nrounds = 7\nlabel = \"file\"\n");
  ConfigSources sources;
  sources.search_from = dir_;
  sources.default_sizes = {.full = Sizes({{"rounds", 1}, {"label", "default"}, {"warmup", 2}}),
                           .quick = Sizes({{"rounds", 1}})};
  sources.environment = {{"SEMANTIC_BENCHMARK_SIZES_ROUNDS", "20"},
                         {"SEMANTIC_BENCHMARK_QUICK_PROMPT_LENGTHS", "[4]"}};
  sources.flags = {{"--sbench-sizes-label", "flag"}};
  const Config config = load_config(sources);
  EXPECT_EQ(config.full_sizes.get<std::vector<std::int64_t>>("prompt_lengths"),
            (std::vector<std::int64_t>{16, 32}));
  EXPECT_EQ(config.full_sizes.get<int>("rounds"), 20);  // environment > file > default
  EXPECT_EQ(config.full_sizes.get<std::string>("label"), "flag");
  EXPECT_EQ(config.full_sizes.get<int>("warmup"), 2);  // only the default
  EXPECT_EQ(config.quick_sizes.get<std::vector<std::int64_t>>("prompt_lengths"),
            (std::vector<std::int64_t>{4}));
  EXPECT_EQ(config.quick_sizes.get<std::vector<std::int64_t>>("rounds"),
            (std::vector<std::int64_t>{1}));  // an integer reads as a list of one
}

TEST_F(ConfigTest, AMissingOrMistypedSizeNamesItsKey) {
  Config config;
  config.full_sizes.set("rounds", 3);
  try {
    (void)config.size<int>("leak_cycles");
    ADD_FAILURE() << "a missing size did not throw";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("size 'leak_cycles' is not defined"));
  }
  try {
    (void)config.size<std::string>("rounds");
    ADD_FAILURE() << "a mistyped size did not throw";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "size 'rounds' is an integer, not a string");
  }
}

TEST_F(ConfigTest, ListsAndTablesFromTheCommandLineAreTomlInlineValues) {
  ConfigSources sources;
  sources.flags = {{"--sbench-server-command", R"(["llama-server", "--port", "{port}"])"},
                   {"--sbench-server-env", R"({ OMP_NUM_THREADS = "4" })"},
                   {"--sbench-sizes-agent-counts", "[1, 2]"}};
  const Config config = load_config(sources);
  EXPECT_EQ(config.server.command, (std::vector<std::string>{"llama-server", "--port", "{port}"}));
  EXPECT_EQ(config.server.env.at("OMP_NUM_THREADS"), "4");
  EXPECT_EQ(config.size<std::vector<std::int64_t>>("agent_counts"),
            (std::vector<std::int64_t>{1, 2}));
}

TEST_F(ConfigTest, FileIsFoundByWalkingUpThenByFallback) {
  const fs::path file = write_config("[server]\nmodel = \"walked\"\n");
  ConfigSources sources;
  sources.search_from = dir_ / "nested" / "deeper";
  EXPECT_EQ(load_config(sources).server.model, "walked");

  const fs::path fallback = write_config("[server]\nmodel = \"fallback\"\n", "nested/other.toml");
  fs::remove(file);
  sources.fallback_file = fallback;
  EXPECT_EQ(load_config(sources).server.model, "fallback");
}

TEST_F(ConfigTest, EnvironmentNamesTheFileWhenNoFlagDoes) {
  const fs::path file = write_config("[server]\nmodel = \"env-file\"\n", "nested/chosen.toml");
  ConfigSources sources;
  sources.environment = {{"SEMANTIC_BENCHMARK_CONFIG", file.string()}};
  EXPECT_EQ(load_config(sources).server.model, "env-file");
}

TEST_F(ConfigTest, RelativePathsInTheFileAreRelativeToIt) {
  const fs::path file = write_config("[run]\noutput = \"out/results.json\"\n", "nested/s.toml");
  ConfigSources sources;
  sources.explicit_file = file;
  EXPECT_EQ(load_config(sources).run.output, dir_ / "nested" / "out" / "results.json");
}

TEST_F(ConfigTest, MarkersAddToTheAlwaysDeclaredOnes) {
  ConfigSources sources;
  sources.explicit_file = write_config("[markers]\nmemory = \"Memory cases\"\n");
  const Config config = load_config(sources);
  EXPECT_EQ(config.markers.at("memory"), "Memory cases");
  EXPECT_TRUE(config.markers.contains("benchmark"));
  EXPECT_TRUE(config.markers.contains("slow"));
}

TEST_F(ConfigTest, FileErrorsNameFileKeyAndExpectedType) {
  ConfigSources sources;
  sources.explicit_file = write_config("[server]\nstartup_timeout_s = \"abc\"\n");
  const std::string file = sources.explicit_file.string();
  EXPECT_EQ(load_error(sources),
            file + ": server.startup_timeout_s: expected a positive number, got \"abc\"");

  write_config("[server]\nstartup_timeout_s = -1\n");
  EXPECT_EQ(load_error(sources),
            file + ": server.startup_timeout_s: expected a positive number, got -1");

  write_config("[server]\nportt = 8080\n");
  EXPECT_EQ(load_error(sources), file + ": unknown key 'server.portt' (see docs/CONFIG.md)");

  write_config("[serverr]\nurl = \"x\"\n");
  EXPECT_EQ(load_error(sources), file + ": unknown key 'serverr.url' (see docs/CONFIG.md)");

  write_config("[server]\nbackend = \"vllm\"\n");
  EXPECT_EQ(load_error(sources),
            file +
                ": server.backend: expected one of reference, llamacpp, openai, ollama, got "
                "\"vllm\"");

  write_config("[sizes]\nagent_counts = [1, true]\n");
  EXPECT_THAT(load_error(sources),
              ::testing::StartsWith(file + ": sizes.agent_counts: expected an integer, an array "
                                           "of integers or a string, got "));

  write_config("[run]\nquick = \"yes\"\n");
  EXPECT_EQ(load_error(sources),
            file + ": run.quick: expected a boolean (true or false), got \"yes\"");

  write_config("[markers]\nfast = 1\n");
  EXPECT_EQ(load_error(sources),
            file + ": markers.fast: expected a string (the marker's description), got 1");

  write_config("[run\n");
  EXPECT_NE(load_error(sources).find(file + ": invalid TOML at line 1"), std::string::npos);
}

TEST_F(ConfigTest, EnvironmentAndFlagErrorsNameTheirSource) {
  ConfigSources sources;
  sources.environment = {{"SEMANTIC_BENCHMARK_REPETITIONS", "two"}};
  EXPECT_EQ(load_error(sources),
            "environment variable SEMANTIC_BENCHMARK_REPETITIONS: run.repetitions: expected a "
            "positive integer, got \"two\"");

  sources.environment = {{"SEMANTIC_BENCHMARK_MODLE", "tiny"}};
  EXPECT_EQ(load_error(sources),
            "environment variable SEMANTIC_BENCHMARK_MODLE: unknown setting (see docs/CONFIG.md)");

  sources.environment = {};
  sources.flags = {{"--sbench-server-startup-timeout-s", "abc"}};
  EXPECT_EQ(load_error(sources),
            "flag --sbench-server-startup-timeout-s: server.startup_timeout_s: expected a "
            "positive number, got \"abc\"");
}

TEST_F(ConfigTest, MissingExplicitFileIsAnError) {
  ConfigSources sources;
  sources.explicit_file = dir_ / "absent.toml";
  EXPECT_EQ(load_error(sources),
            "--sbench-config: config file " + (dir_ / "absent.toml").string() + " does not exist");
  sources.explicit_file.clear();
  sources.environment = {{"SEMANTIC_BENCHMARK_CONFIG", (dir_ / "absent.toml").string()}};
  EXPECT_EQ(load_error(sources), "environment variable SEMANTIC_BENCHMARK_CONFIG: config file " +
                                     (dir_ / "absent.toml").string() + " does not exist");
}

TEST_F(ConfigTest, CiTurnsFailOnTargetMissOnByDefault) {
  ConfigSources sources;
  EXPECT_FALSE(load_config(sources).run.fail_on_target_miss);
  for (const char* off : {"", "0", "false"}) {
    sources.environment = {{"CI", off}};
    EXPECT_FALSE(load_config(sources).run.fail_on_target_miss) << "CI=" << off;
  }
  for (const char* on : {"true", "1", "yes"}) {
    sources.environment = {{"CI", on}};
    EXPECT_TRUE(load_config(sources).run.fail_on_target_miss) << "CI=" << on;
  }
}

TEST_F(ConfigTest, FileEnvironmentAndFlagOverrideTheCiDefault) {
  ConfigSources sources;
  sources.environment = {{"CI", "true"}};
  sources.explicit_file = write_config("[run]\nfail_on_target_miss = false\n");
  EXPECT_FALSE(load_config(sources).run.fail_on_target_miss);

  write_config("");
  sources.environment["SEMANTIC_BENCHMARK_FAIL_ON_TARGET_MISS"] = "0";
  EXPECT_FALSE(load_config(sources).run.fail_on_target_miss);

  sources.environment = {{"CI", "true"}};
  sources.flags = {{"--sbench-fail-on-target-miss", "false"}};
  EXPECT_FALSE(load_config(sources).run.fail_on_target_miss);
}

TEST(ConfigFlags, KnowsOurFlagsAndWhichTakeValues) {
  EXPECT_TRUE(is_config_flag("--sbench-model"));
  EXPECT_TRUE(is_config_flag("--sbench-server-url"));
  EXPECT_FALSE(is_config_flag("--sbench-nonsense"));
  EXPECT_TRUE(config_flag_takes_value("--sbench-output"));
  EXPECT_FALSE(config_flag_takes_value("--sbench-quick"));
  EXPECT_TRUE(is_config_flag("--sbench-sizes-prompt-lengths"));
  EXPECT_TRUE(config_flag_takes_value("--sbench-quick-prompt-lengths"));
  EXPECT_FALSE(is_config_flag("--sbench-sizes-"));
}

// docs/CONFIG.md is the user's reference: every flag in --help must be in it.
TEST(ConfigDocs, EverySettingIsDocumented) {
  std::ifstream docs(SBENCH_CONFIG_DOCS);
  ASSERT_TRUE(docs) << SBENCH_CONFIG_DOCS;
  std::stringstream text;
  text << docs.rdbuf();
  // Each setting's help ends with "[key, ENVIRONMENT_VARIABLE]" after its flag line.
  std::istringstream help(config_flags_help());
  for (std::string flag_line, help_line;
       std::getline(help, flag_line) && std::getline(help, help_line);) {
    const auto flag_start = flag_line.find("--sbench-");
    const std::string flag = flag_line.substr(flag_start, flag_line.find('=') - flag_start);
    const auto open = help_line.rfind('[');
    const std::string names = help_line.substr(open + 1, help_line.size() - open - 2);
    const std::string key = names.substr(0, names.find(", "));
    const std::string variable = names.substr(names.find(", ") + 2);
    for (const std::string& name : {flag, key, variable}) {
      EXPECT_NE(text.str().find("`" + name + "`"), std::string::npos) << name;
    }
  }
}

}  // namespace
}  // namespace sbench
