// `ollama-netcfg pull-proxy set|unset|show`: the proxy the service pulls
// models through (HTTPS_PROXY) and the hosts it asks directly (NO_PROXY),
// in the managed drop-in, through the same apply-and-prove path as
// `expose`; change/pull_proxy.hpp plans it.
#pragma once

#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace netcfg::cli {

// `pull-proxy show` (src/cli/pull_proxy_show.cpp).
int show_pull_proxy(const std::string& unit, const GlobalOptions& g);

void register_pull_proxy(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
