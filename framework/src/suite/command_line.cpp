#include "command_line.hpp"

#include <optional>
#include <stdexcept>
#include <string_view>

#include "sbench/config.hpp"

namespace sbench::detail {
namespace {

constexpr std::string_view config_file_flag = "--sbench-config";
constexpr std::string_view markers_setting_flag = "--sbench-markers";
// The spelling users know from the original suite, for run.fail_on_target_miss.
constexpr std::string_view fail_on_miss_flag = "--fail-on-target-miss";
constexpr std::string_view fail_on_miss_setting_flag = "--sbench-fail-on-target-miss";
// The original suite's --benchmark-report, for run.report.
constexpr std::string_view report_flag = "--benchmark-report";
constexpr std::string_view report_setting_flag = "--sbench-report";

struct FlagWithValue {
  std::string name;
  std::optional<std::string> value;  // from `--name=value`
};

FlagWithValue split_flag(std::string_view arg) {
  const auto equals = arg.find('=');
  if (equals == std::string_view::npos)
    return {std::string(arg), std::nullopt};
  return {std::string(arg.substr(0, equals)), std::string(arg.substr(equals + 1))};
}

class ArgumentCursor {
 public:
  ArgumentCursor(int argc, const char* const* argv) : argc_(argc), argv_(argv) {}
  bool done() const { return next_ >= argc_; }
  std::string_view take() { return argv_[next_++]; }
  std::string value_for(const std::string& flag) {
    if (done())
      throw std::invalid_argument("flag " + flag + " needs a value");
    return std::string(take());
  }

 private:
  int argc_;
  const char* const* argv_;
  int next_ = 1;
};

}  // namespace

SuiteCommandLine parse_command_line(int argc, const char* const* argv) {
  SuiteCommandLine line;
  line.benchmark_args.emplace_back(argc > 0 ? argv[0] : "sbench-suite");
  ArgumentCursor args(argc, argv);
  while (!args.done()) {
    const std::string_view arg = args.take();
    FlagWithValue flag = split_flag(arg);
    if (arg == "-m" || flag.name == "--markers") {
      const std::string expression = flag.value ? *flag.value : args.value_for(std::string(arg));
      line.config_flags.emplace_back(markers_setting_flag, expression);
    } else if (flag.name == fail_on_miss_flag) {
      line.config_flags.emplace_back(fail_on_miss_setting_flag, flag.value.value_or("true"));
    } else if (flag.name == report_flag) {
      line.config_flags.emplace_back(report_setting_flag, flag.value.value_or("true"));
    } else if (arg == "--list-cases") {
      line.list_cases = true;
    } else if (arg == "--help" || arg == "-h") {
      line.help = true;
    } else if (flag.name == config_file_flag) {
      line.config_file = flag.value ? *flag.value : args.value_for(flag.name);
    } else if (flag.name.starts_with("--sbench-")) {
      if (!is_config_flag(flag.name)) {
        throw std::invalid_argument("unknown flag " + flag.name + " (see --help)");
      }
      if (!flag.value) {
        flag.value = config_flag_takes_value(flag.name) ? args.value_for(flag.name) : "true";
      }
      line.config_flags.emplace_back(flag.name, *flag.value);
    } else {
      line.benchmark_args.emplace_back(arg);
    }
  }
  return line;
}

std::string command_line_help() {
  return "semantic-bench suite. Our flags (every other flag goes to Google Benchmark):\n"
         "  -m EXPR, --markers=EXPR\n"
         "      Run the cases whose markers match EXPR, e.g. \"benchmark and not slow\"\n"
         "  --fail-on-target-miss[=BOOL]\n"
         "      Same as --sbench-fail-on-target-miss\n"
         "  --benchmark-report[=BOOL]\n"
         "      Same as --sbench-report: also write the Markdown and HTML reports\n"
         "  --list-cases\n"
         "      Print one line per case instance: name<TAB>marker,marker\n"
         "  --sbench-config=FILE\n"
         "      sbench.toml to read [SEMANTIC_BENCHMARK_CONFIG]; default: nearest above the\n"
         "      working directory, else the source tree's\n" +
         config_flags_help() + "\nGoogle Benchmark's flags:\n";
}

}  // namespace sbench::detail
