// Ollama installed as a snap: snap.ollama.listener.service runs a launcher
// that sets OLLAMA_HOST and OLLAMA_ORIGINS from the snap's configuration
// (`snapctl get host`, `snapctl get origins`) on every start, so a drop-in
// is overridden. What to run instead.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

constexpr std::string_view snap_unit = "snap.ollama.listener.service";

// A unit snapd made for the ollama snap.
bool is_ollama_snap_unit(std::string_view unit);

struct SnapSettings {
    // nullopt: back to the default, 127.0.0.1:11434.
    std::optional<ollama::HostSetting> listen;
    bool keep_listen = false;
    // nullopt: not touched; empty: cleared.
    std::optional<std::vector<std::string>> origins;
};

// The snap commands, one per line, ending with the restart that applies them.
std::string snap_commands(const SnapSettings& settings);

} // namespace netcfg::change
