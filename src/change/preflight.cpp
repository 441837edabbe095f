#include "ollama-netcfg/change/preflight.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::change {

Status check_address_is_local(const ollama::HostSetting& want,
                              const std::vector<std::string>& resolved,
                              const std::vector<std::string>& local) {
    const auto& h = want.host;
    if (h.empty() || h == "0.0.0.0" || h == "::")
        return Ok{};
    auto is_local = [&](const std::string& a) {
        return std::find(local.begin(), local.end(), a) != local.end();
    };
    if (want.family() != ollama::Family::name) {
        if (is_local(h))
            return Ok{};
    } else {
        if (resolved.empty())
            return failure(fmt::format("{} does not resolve to an address", h),
                           "use an IP address, or 0.0.0.0 for every IPv4 and IPv6 address");
        // Ollama binds the name's first address, as Go's net.Listen does.
        if (is_local(resolved.front()))
            return Ok{};
    }
    std::string mine;
    for (const auto& a : local)
        mine += (mine.empty() ? "" : ", ") + a;
    return failure(
        fmt::format(
            "{} is not an address of this host, so Ollama could not listen there{}",
            want.family() == ollama::Family::name ? fmt::format("{} ({})", h, resolved.front()) : h,
            mine.empty() ? "" : fmt::format(" (this host has {})", mine)),
        "use one of the host's addresses, or 0.0.0.0 (every IPv4 and IPv6 address)");
}

namespace {

// The port next to the wanted one, as an example the admin can type (the
// default's neighbour was suggested even when it was the port taken).
std::string another_port(const ollama::HostSetting& want) {
    auto other = want;
    other.port = want.port == 65535 ? 65534 : static_cast<std::uint16_t>(want.port + 1);
    return other.listen_address();
}

} // namespace

Status check_port_is_free(const ollama::HostSetting& want, const std::string& unit,
                          const std::vector<Holder>& foreign) {
    if (foreign.empty())
        return Ok{};
    const auto& h = foreign.front();
    if (!h.ollama_serve.empty())
        return failure(
            fmt::format("{} is already held by an `ollama serve` outside {} ({}): Ollama could "
                        "not listen on {}",
                        h.endpoint, unit, h.ollama_serve, want.listen_address()),
            fmt::format("stop it (`kill {}`), then run expose again; to try an address until the "
                        "next reboot, use `ollama-netcfg expose ADDR --runtime` instead of a "
                        "hand-started server",
                        h.pid));
    auto who = h.pid ? fmt::format("{} (PID {})", h.process, h.pid)
                     : std::string("a process outside ") + unit;
    if (!h.container.empty())
        return failure(fmt::format("{} is already held by {} for the Ollama container {}: "
                                   "Ollama could not listen on {}",
                                   h.endpoint, who, h.container, want.listen_address()),
                       fmt::format("stop the container (`docker stop NAME`), or choose another "
                                   "port (e.g. {})",
                                   another_port(want)));
    return failure(
        fmt::format("{} is already held by {}: Ollama could not listen on {}", h.endpoint, who,
                    want.listen_address()),
        fmt::format("stop that process, or choose another port (e.g. {})", another_port(want)));
}

Result<bool> check_low_port(const LowPortFacts& f) {
    if (f.port == 0 || f.port >= f.unprivileged_port_start)
        return false;
    if (f.user.empty() || f.user == "root" || f.user == "0")
        return false;
    if (f.ambient_capabilities & cap_net_bind_service)
        return false;
    if (f.grant_requested)
        return true;
    return failure(
        fmt::format("port {} is below {} and the service runs as user {} without "
                    "CAP_NET_BIND_SERVICE, so Ollama could not listen there",
                    f.port, f.unprivileged_port_start, f.user),
        fmt::format("add --grant-low-port to grant the capability in the drop-in "
                    "(AmbientCapabilities=CAP_NET_BIND_SERVICE; reset removes it). `setcap` on "
                    "{} would not last: Ollama's installer replaces the binary at every update",
                    f.binary.empty() ? "the ollama binary" : f.binary));
}

} // namespace netcfg::change
