// NixOS builds ollama.service from `services.ollama` in its configuration:
// the unit files are links into the read-only store, and nixos-rebuild
// replaces /etc/systemd/system, so a drop-in is the wrong tool there. What
// the configuration should say instead (nixpkgs' module: OLLAMA_HOST is
// "${host}:${port}", openFirewall opens the port, environmentVariables go
// into the unit's environment).
#pragma once

#include "ollama-netcfg/ollama/host.hpp"

#include <optional>
#include <string>
#include <vector>

namespace netcfg::change {

struct NixosSettings {
    // nullopt: host and port left at the module's defaults (127.0.0.1, 11434).
    std::optional<ollama::HostSetting> listen;
    bool open_firewall = false;
    // nullopt: OLLAMA_ORIGINS not touched; empty: removed.
    std::optional<std::vector<std::string>> origins;
};

// The `services.ollama = { ... };` block, one setting per line.
std::string nixos_configuration(const NixosSettings& settings);

} // namespace netcfg::change
