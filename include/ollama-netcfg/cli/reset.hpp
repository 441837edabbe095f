// `reset`: back to Ollama's default (127.0.0.1:11434) by removing the
// OLLAMA_HOST this tool manages; apply and prove as `expose` does.
#pragma once

#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>

namespace netcfg::cli {

void register_reset(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
