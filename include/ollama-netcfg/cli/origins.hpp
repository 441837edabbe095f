// `ollama-netcfg origins add|remove|list`: OLLAMA_ORIGINS, the browser
// origins Ollama lets through, managed in the same drop-in and through the
// same apply-and-prove path as `expose`. What `expose --allow-origin` and
// `reset --origins` share with it is in change/origins.hpp.
#pragma once

#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::cli {

// `origins list` (src/cli/origins_list.cpp).
struct OriginsListOptions {
    std::string unit = "ollama.service";
};
int list_origins(const OriginsListOptions& o, const GlobalOptions& g);

void register_origins(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
