// Options every command shares, and how results reach the user.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace netcfg::cli {

struct GlobalOptions {
    bool json = false;
    bool quiet = false;
    int verbose = 0;
};

// Prints an error and its hint to stderr as "ollama-netcfg: ...".
void print_error(const Error& e);

// Whether the command line names the `check` subcommand (whose usage errors
// exit 3, UNKNOWN, rather than 2).
bool is_check_command(int argc, char** argv);

// Sets the diagnostic level from -v/-q.
void apply_verbosity(const GlobalOptions& global);

} // namespace netcfg::cli
