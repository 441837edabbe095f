// `status`: where OLLAMA_HOST is set, what is running, listening and answering.
#pragma once

#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>

namespace netcfg::cli {

void register_status(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
