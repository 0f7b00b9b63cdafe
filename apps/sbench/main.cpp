// `sbench`: the scenario x model runner, and what happens to suite results
// after a run (merge, report, compare).
#include <iostream>

#include "command.hpp"

namespace sbench::cli {

std::vector<CommandInstaller>& command_installers() {
  static std::vector<CommandInstaller> installers;
  return installers;
}

}  // namespace sbench::cli

int main(int argc, char** argv) {
  CLI::App app{
      "semantic-bench: run scenarios x models (run); merge suite results, check targets, report, "
      "compare"};
  app.require_subcommand(1);
  for (const auto& install : sbench::cli::command_installers())
    install(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& finished) {
    return finished.get_exit_code();  // a command's own exit code
  } catch (const CLI::ParseError& error) {
    // --help exits 0; any other parse error is bad input, exit 2 as the docs
    // say (not CLI11's own codes, 105 to 114).
    return app.exit(error) == 0 ? 0 : 2;
  } catch (const std::exception& error) {
    std::cerr << "sbench: error: " << error.what() << "\n";
    return 2;
  }
  return 0;
}
