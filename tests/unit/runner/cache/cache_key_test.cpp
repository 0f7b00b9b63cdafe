#include "cache/cache_key.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cache/sha256.hpp"
#include "config/runner_config.hpp"
#include "suite/scenario.hpp"

namespace sbench::runner {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

struct KeyParts {
  Scenario scenario;
  ModelConfig model;
  ProviderConfig provider;
  nlohmann::json identity = {{"id", "tiny"}, {"fingerprint", 1234}};
  int repeat = 0;

  KeyParts() {
    scenario.id = "s";
    scenario.messages = {{"user", "hi"}};
    scenario.written_messages = nlohmann::json::array({{{"role", "user"}, {"content", "hi"}}});
    scenario.sha256 = "scenario-hash";
    scenario.template_name = "t.txt";
    scenario.template_sha256 = "template-hash";
    model.name = "a";
    model.model = "tiny";
    provider.kind = ProviderKind::openai;
    provider.base_url = "http://127.0.0.1:1";
  }
  nlohmann::json manifest() const {
    return run_manifest(scenario, model, provider, identity, repeat);
  }
  std::string key() const { return cache_key(manifest()); }
};

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CacheKey, TheSameRunHasTheSameKey) {
  KeyParts parts;
  EXPECT_EQ(parts.key(), KeyParts().key());
  EXPECT_EQ(parts.key().size(), 64u);
}

// The mistakes of other tools' caches, each a field that must change the key.
TEST(CacheKey, EveryPartThatCanChangeAnAnswerChangesTheKey) {
  const std::string base = KeyParts().key();
  auto changed = [&](auto&& change) {
    KeyParts parts;
    change(parts);
    return parts.key();
  };
  EXPECT_NE(base, changed([](KeyParts& p) { p.model.model = "other"; }));  // lm-eval-harness
  EXPECT_NE(base, changed([](KeyParts& p) { p.model.parameters["reasoning_effort"] = "high"; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.model.parameters["num_ctx"] = 8192; }));  // Ollama
  EXPECT_NE(base, changed([](KeyParts& p) { p.identity["fingerprint"] = 99; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.provider.base_url = "http://127.0.0.1:2"; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.provider.kind = ProviderKind::ollama; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.provider.completions_api = true; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.scenario.template_sha256 = "edited"; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.scenario.sha256 = "edited"; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.scenario.parameters["temperature"] = 0.7; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.scenario.max_tokens = 1; }));
  EXPECT_NE(base, changed([](KeyParts& p) { p.repeat = 1; }));
  // What cannot change an answer does not: the label and the limits.
  EXPECT_EQ(base, changed([](KeyParts& p) { p.model.name = "renamed"; }));
  EXPECT_EQ(base, changed([](KeyParts& p) { p.provider.limits.rpm = 5; }));
}

TEST(CacheKey, DifferencesNameEachChangedLeaf) {
  KeyParts stored;
  KeyParts wanted;
  wanted.identity["fingerprint"] = 99;
  wanted.model.parameters["seed"] = 7;
  const std::vector<std::string> differences =
      manifest_differences(stored.manifest(), wanted.manifest());
  EXPECT_EQ(differences.size(), 2u);
  EXPECT_THAT(differences, Contains("model.identity.fingerprint: 1234 -> 99"));
  EXPECT_THAT(differences, Contains("model.parameters.seed: (absent) -> 7"));
  EXPECT_TRUE(manifest_differences(stored.manifest(), stored.manifest()).empty());
}

}  // namespace
}  // namespace sbench::runner
