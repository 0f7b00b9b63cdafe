// TOML configuration as a user (or a bad merge) writes it: the first input
// byte picks the reader, the rest is the file. Even: a project's sbench.toml
// (config/config_file.hpp); odd: a runner file (sbench run, docs/RUNNER.md).
// Property: no crash, no sanitizer report, and a bad file is only ever the
// reader's own error (ConfigError, InputError), which names the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_file.hpp"
#include "config/runner_config.hpp"
#include "config/toml_json.hpp"
#include "sbench/config.hpp"
#include "support/fuzz_check.hpp"
#include "support/input_file.hpp"
#include "support/temp_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sbench::testing::TempDir scratch;
  if (size == 0)
    return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto file = sbench::fuzz::write_input(scratch.path("config.toml"), text);
  try {
    if (data[0] % 2 == 0) {
      sbench::Config config;
      sbench::detail::apply_config_file(file, config);
    } else {
      sbench::runner::load_runner_config(file);
    }
  } catch (const sbench::ConfigError& error) {
    sbench::fuzz::require(std::string_view(error.what()).starts_with(file.string()),
                          "a config error that does not name the file");
  } catch (const sbench::runner::InputError& error) {
    sbench::fuzz::require(std::string_view(error.what()).find(file.string()) != std::string::npos,
                          "a runner file error that does not name the file");
  }
  return 0;
}
