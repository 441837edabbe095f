// `check`: the monitoring-plugin verdict (0 OK, 1 WARNING, 2 CRITICAL,
// 3 UNKNOWN) in one line, or as JSON.
#pragma once

#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>

namespace netcfg::cli {

inline constexpr int check_unknown_status = 3;

void register_check(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
