// `ollama-netcfg expose ADDR`: set OLLAMA_HOST in a drop-in, apply, prove.
#pragma once

#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace netcfg::cli {

struct ExposeOptions {
    std::string address;
    ChangeArgs change;
    bool grant_low_port = false;
    bool open_firewall = false;
    bool for_containers = false; // --for-containers: --open-firewall for container networks too
    std::string from;            // --from CIDR
    std::vector<std::string> allow_origins; // --allow-origin, repeatable
    bool client_env = false;        // --client-env: OLLAMA_HOST for the local ollama command
    bool any_site = false;          // --yes-any-site: --allow-origin '*' is meant
    std::vector<std::string> after; // --after UNIT: start after the unit that brings ADDR up
};

// Adds the subcommand; `exit_status` receives the result when it runs.
void register_expose(CLI::App& app, const GlobalOptions& global, int& exit_status);

int run_expose(const ExposeOptions& options, const GlobalOptions& global);

} // namespace netcfg::cli
