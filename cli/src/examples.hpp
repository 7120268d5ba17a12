// The examples of every command: one table (examples.cpp), shown at the end of each command's --help and in the man
// page (docgen.cpp). tests/cli/docs_test.py runs each example's arguments through the parser, so that none rots.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace coffre::cli {

struct Example {
  const char* line;  // a whole command line, starting with "coffre" (shell syntax: quotes, pipes, redirections)
  const char* what;  // what it does, one short sentence
};

// The examples of the command at `path` ("" for coffre itself, "drive put" for a nested one); empty if it has none.
const std::vector<Example>& examples_of(const std::string& path);

// The path of a command: its names from below the top ("drive put"), "" for the top.
std::string command_path(const CLI::App& cmd);

// The commands a user can see: the top, then every subcommand depth first, in definition order, without the hidden
// ones (no group, as the test build's commands).
std::vector<CLI::App*> visible_commands(CLI::App& app);

// Appends an "Examples:" block to the footer of every visible command. Returns the paths of those that have none.
std::vector<std::string> add_examples_to_footers(CLI::App& app);

}  // namespace coffre::cli
