#include "ollama-netcfg/change/elsewhere.hpp"

#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/ollama/origins.hpp"

#include <fmt/format.h>

namespace netcfg::change {

namespace {

// The module writes "${host}:${port}": an IPv6 address needs its brackets
// there, and ":PORT" (every address) is the same socket as 0.0.0.0.
std::string nix_host(const ollama::HostSetting& h) {
    if (h.host.empty())
        return "0.0.0.0";
    return net::is_ipv6(h.host) ? net::bracketed(h.host) : h.host;
}

} // namespace

std::string nixos_configuration(const Elsewhere& s) {
    std::string out = "  services.ollama = {\n    enable = true;\n";
    if (s.listen) {
        out += fmt::format("    host = \"{}\";\n    port = {};\n", nix_host(*s.listen),
                           s.listen->port);
    } else {
        out += "    # host and port removed: the defaults, 127.0.0.1 and 11434\n";
    }
    if (s.open_firewall)
        out += "    openFirewall = true;\n";
    if (s.origins && s.origins->empty())
        out += "    # environmentVariables.OLLAMA_ORIGINS removed\n";
    else if (s.origins)
        out += fmt::format("    environmentVariables.OLLAMA_ORIGINS = \"{}\";\n",
                           ollama::join_origins(*s.origins));
    return out + "  };";
}

bool is_ollama_snap_unit(std::string_view unit) {
    return unit.starts_with("snap.ollama.");
}

std::string snap_commands(const Elsewhere& s) {
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
