#include "ollama-netcfg/change/snap.hpp"

#include "ollama-netcfg/ollama/origins.hpp"

#include <fmt/format.h>

namespace netcfg::change {

bool is_ollama_snap_unit(std::string_view unit) {
    return unit.starts_with("snap.ollama.");
}

std::string snap_commands(const SnapSettings& s) {
    std::string out;
    if (!s.keep_listen)
        out += fmt::format("  sudo snap set ollama host={}\n",
                           s.listen ? s.listen->listen_address() : "127.0.0.1:11434");
    if (s.origins)
        out +=
            fmt::format("  sudo snap set ollama origins='{}'\n", ollama::join_origins(*s.origins));
    return out + "  sudo snap restart ollama";
}

} // namespace netcfg::change
