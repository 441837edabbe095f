// The units a boot must start before Ollama, so that the address it binds
// exists when it starts: the interface's owner (Docker, Tailscale,
// wg-quick, the network manager that network-online.target waits for) or
// the units an admin names with --after, as After= and Wants= lines in the
// managed drop-in's [Unit] section. Pure: the facts come from cli/ordering.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

// What is known about the interface that has the wanted address now.
struct InterfaceLook {
    std::string interface; // empty: the address is on no interface
    std::string address;
    bool docker_unit = false;             // docker.service is known to systemd
    bool tailscale_online_target = false; // tailscale-online.target is known
    bool tailscaled_unit = false;         // tailscaled.service is known
    bool wg_quick_unit = false;           // wg-quick@INTERFACE.service is known
    // The network manager that configures the interface: "systemd-networkd",
    // "NetworkManager", "ifupdown"; empty when none of them does.
    std::string network_manager;
};

struct Ordering {
    std::vector<std::string> units; // each gets After= and Wants=
    std::string why;                // in words: who brings the address up
};

// The unit that brings `look.interface` up at boot, from the owners this
// tool knows; nullopt when it knows none (or the address is on no interface).
std::optional<Ordering> interface_owner(const InterfaceLook& look);

// The managed drop-in's content with the ordering this tool recorded
// (`recorded`) replaced by `wanted`: After=U and Wants=U in [Unit] for each
// wanted U, and the recorded lines of the others taken out. Lines an admin
// wrote for units outside `recorded` stay.
std::string with_ordering(std::string_view content, const std::vector<std::string>& recorded,
                          const std::vector<std::string>& wanted);

// The ordering settings, as the drop-in has them.
inline constexpr std::string_view ordering_keys[] = {"After", "Wants"};

} // namespace netcfg::change
