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

// Sets the diagnostic level from -v/-q.
void apply_verbosity(const GlobalOptions& global);

} // namespace netcfg::cli
