#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace sbench::cli {

// One `sbench <command>`: adds its subcommand, options and callback to the
// app. Each command lives in its own file and registers itself, so adding a
// command touches no other file.
using CommandInstaller = std::function<void(CLI::App& app)>;

std::vector<CommandInstaller>& command_installers();

struct RegisterCommand {
  explicit RegisterCommand(CommandInstaller installer) {
    command_installers().push_back(std::move(installer));
  }
};

}  // namespace sbench::cli
