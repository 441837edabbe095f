// `proxy-config nginx|caddy --server-name NAME [--cert FILE --key FILE]`.
#pragma once

#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>

namespace netcfg::cli {

void register_proxy_config(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
