// Reachability beyond loopback: the host's addresses a listener covers
// (each probed with GET /api/version, that address in the Host header),
// container bridges, and what the firewall does with a connection from
// another host.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/ollama/host.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::systemd {
class Manager;
}

namespace netcfg::reach {

struct Interface {
    std::string name;
    std::string address;
    int family = 4;
    bool loopback = false;
    bool link_local = false;
    bool container_bridge = false; // docker0, br-*, podman*, lxcbr*, virbr*, ...
};

// Pure: whether a bridge name is one container runtimes create.
bool is_container_bridge(const std::string& name);

// Pure: the interfaces whose address a listener for `want` accepts
// connections on (0.0.0.0: every IPv4 address; [::] or "": every address,
// IPv4 too unless bindv6only; otherwise the address itself).
std::vector<Interface> covered(const ollama::HostSetting& want,
                               const std::vector<Interface>& interfaces, bool bindv6only);

struct AddressProbe {
    std::string interface;
    std::string url;
    bool ok = false;
    std::string detail; // "HTTP 200, version 0.12.6" or the error
};

struct Bridge {
    std::string interface;
    std::string address;
    bool reachable = false; // the listener covers the bridge's address
};

struct Firewall {
    bool visible = true;
    std::string why_not; // when not visible (not root, no nft)
    firewall::Verdict verdict;
    std::vector<std::string> open_command; // empty when it cannot be opened by a command
    std::string open_command_text;
};

// getifaddrs, with /sys/class/net/NAME/bridge telling bridges.
std::vector<Interface> interfaces();

// Probes every covered, non-loopback address (link-local IPv6 is skipped:
// it needs a zone). Loopback is what the main proof already asks.
std::vector<AddressProbe> probe_addresses(const ollama::HostSetting& want,
                                          const std::vector<Interface>& covered,
                                          std::chrono::milliseconds timeout);

std::vector<Bridge> bridges(const std::vector<Interface>& all,
                            const std::vector<Interface>& covered);

// Finds what filters inbound traffic (firewalld, ufw, nftables,
// iptables-legacy) and decides for a new TCP connection to `port` from
// `from` (a CIDR; empty: any other host).
Firewall inspect_firewall(std::uint16_t port, int family, const std::string& from,
                          bool firewalld_active);

// The other addresses and the bridges for a listener on `want`: what
// `expose` reports after its proof and `status`/`check` show.
struct Survey {
    std::vector<AddressProbe> addresses;
    std::vector<Bridge> bridges;
};
Survey survey(const ollama::HostSetting& want, std::chrono::milliseconds timeout);

// inspect_firewall() for a listener on `want`, asking systemd whether
// firewalld runs.
Firewall inspect_firewall(systemd::Manager& manager, const ollama::HostSetting& want,
                          const std::string& from);

} // namespace netcfg::reach
