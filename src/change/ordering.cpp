#include "ollama-netcfg/change/ordering.hpp"

#include "ollama-netcfg/unitfile/environment.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace netcfg::change {
namespace {

bool is_docker_bridge(std::string_view name) {
    // Docker names its default bridge docker0 and a user-defined network's
    // bridge br-<the first 12 hex digits of the network's id>.
    if (name == "docker0")
        return true;
    if (name.size() != 15 || !name.starts_with("br-"))
        return false;
    return std::all_of(name.begin() + 3, name.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

Ordering one(std::string unit, std::string why) {
    return {{std::move(unit)}, std::move(why)};
}

} // namespace

std::optional<Ordering> interface_owner(const InterfaceLook& l) {
    const auto& i = l.interface;
    if (i.empty())
        return std::nullopt;
    if (is_docker_bridge(i) && l.docker_unit)
        return one("docker.service",
                   fmt::format("{} is Docker's bridge, which docker.service brings up", i));
    if (i.starts_with("tailscale") && l.tailscale_online_target)
        return one(
            "tailscale-online.target",
            fmt::format("{} is Tailscale's; tailscale-online.target waits until it is up", i));
    if (i.starts_with("tailscale") && l.tailscaled_unit)
        return one("tailscaled.service",
                   fmt::format("{} is Tailscale's, which tailscaled.service brings up", i));
    if (l.wg_quick_unit)
        return one(fmt::format("wg-quick@{}.service", i),
                   fmt::format("wg-quick@{}.service brings {} up", i, i));
    if (!l.network_manager.empty())
        return one("network-online.target",
                   fmt::format("{} configures {}, and network-online.target waits for it",
                               l.network_manager, i));
    return std::nullopt;
}

std::string with_ordering(std::string_view content, const std::vector<std::string>& recorded,
                          const std::vector<std::string>& wanted) {
    std::string out(content);
    for (const auto& u : recorded)
        if (std::find(wanted.begin(), wanted.end(), u) == wanted.end())
            for (auto key : ordering_keys)
                out = unitfile::remove_setting(out, "Unit", key, u).content;
    for (const auto& u : wanted)
        for (auto key : ordering_keys)
            out = unitfile::add_setting(out, "Unit", key, u).content;
    return out;
}

} // namespace netcfg::change
