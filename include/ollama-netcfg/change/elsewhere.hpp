// Where a drop-in is the wrong tool, what does the change instead.
//
// NixOS builds ollama.service from `services.ollama` in its configuration:
// the unit files are links into the read-only store, and nixos-rebuild
// replaces /etc/systemd/system (nixpkgs' module: OLLAMA_HOST is
// "${host}:${port}", openFirewall opens the port, environmentVariables go
// into the unit's environment).
//
// The ollama snap: snap.ollama.listener.service runs a launcher that sets
// OLLAMA_HOST and OLLAMA_ORIGINS from the snap's configuration (`snapctl get
// host`, `snapctl get origins`) on every start, so a drop-in is overridden.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

// What the command asked for, as the settings there take it.
struct Elsewhere {
    // nullopt: back to the default, 127.0.0.1:11434.
    std::optional<ollama::HostSetting> listen;
    bool keep_listen = false;   // only the origins change (the snap's host is left out)
    bool open_firewall = false; // NixOS's openFirewall
    // nullopt: not touched; empty: removed.
    std::optional<std::vector<std::string>> origins;
};

// The `services.ollama = { ... };` block, one setting per line.
std::string nixos_configuration(const Elsewhere& settings);

constexpr std::string_view snap_unit = "snap.ollama.listener.service";

// A unit snapd made for the ollama snap.
bool is_ollama_snap_unit(std::string_view unit);

// The snap commands, one per line, ending with the restart that applies them.
std::string snap_commands(const Elsewhere& settings);

} // namespace netcfg::change
