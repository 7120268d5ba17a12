// coffre-docgen (target coffre_cli_docgen, run at build time): main.cpp compiled with COFFRE_CLI_DOCGEN builds the
// command line as `coffre` does, then hands it here instead of parsing. From it, into OUTDIR:
//   coffre.1      the man page (every command, its options and help, examples, exit status, environment, files)
//   coffre.bash   bash completion          _coffre     zsh completion          coffre.fish   fish completion
// Nothing is written by hand: an option added to the CLI appears in all four after the next build.
#pragma once

#include <CLI/CLI.hpp>

namespace coffre::cli {

// Usage: coffre-docgen OUTDIR. Fails (exit 2) if a visible command has no examples (examples.cpp).
int generate_docs(CLI::App& app, int argc, char** argv);

}  // namespace coffre::cli
