// The host's addresses and container bridges a listener covers, asked
// with GET /api/version; the firewall is reach/firewall_read.cpp's.
#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/probe/addresses.hpp"
#include "ollama-netcfg/probe/ollama_api.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/reach/scope.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <linux/if_addr.h>
#include <memory>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/stat.h>

namespace netcfg::reach {
namespace {

bool is_bridge(const std::string& name) {
    struct stat st {};
    return stat(("/sys/class/net/" + name + "/bridge").c_str(), &st) == 0;
}

// A link-local IPv6 address is asked through its interface, the zone
// (written %25 in a URL, RFC 6874).
probe::Endpoint endpoint_of(const Interface& i, std::uint16_t port) {
    return {i.address.text(), port, i.family == 6 && i.link_local ? i.name : std::string()};
}

} // namespace

std::vector<Interface> interfaces() {
    std::vector<Interface> out;
    auto addresses = probe::host_addresses();
    if (!addresses)
        return out;
    out.reserve(addresses->size());
    // The kernel lists an interface's addresses together: judge its name
    // once, not for each of a container host's hundreds of addresses.
    std::optional<std::string> judged;
    bool bridge = false;
    for (auto& a : *addresses) {
        auto& i = out.emplace_back(); // filled in place: no record moved for each address
        i.name = std::move(a.label);
        i.family = a.family == AF_INET ? 4 : 6;
        i.address = {i.family, a.bytes};
        if (i.family == 4) {
            i.loopback = a.bytes[0] == 127;
            i.prefix = a.prefix;
            i.global = address_scope(4, a.bytes.data()).global;
        } else {
            in6_addr raw;
            std::memcpy(&raw, a.bytes.data(), sizeof raw);
            i.loopback = IN6_IS_ADDR_LOOPBACK(&raw);
            i.link_local = IN6_IS_ADDR_LINKLOCAL(&raw);
            // Duplicate address detection not finished, or failed.
            i.tentative = (a.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0;
            i.global = address_scope(6, a.bytes.data()).global;
        }
        if (judged != i.name) {
            judged = i.name;
            bridge = is_container_bridge(i.name) && is_bridge(i.name);
        }
        i.container_bridge = bridge;
    }
    return out;
}

std::vector<AddressProbe> probe_addresses(const ollama::HostSetting& want,
                                          std::vector<Interface> covered,
                                          std::chrono::milliseconds timeout) {
    const auto chosen = representatives(covered);
    std::vector<probe::Endpoint> targets;
    for (auto n : chosen)
        targets.push_back(endpoint_of(covered[n], want.port));
    std::vector<AddressProbe> out;
    out.reserve(covered.size());
    std::vector<std::size_t> index(covered.size(), SIZE_MAX); // covered -> out
    for (std::size_t n = 0; n < covered.size(); ++n) {
        auto& i = covered[n];
        if (i.loopback)
            continue;
        index[n] = out.size();
        auto& p = out.emplace_back(); // filled in place: no record moved for each address
        p.port = want.port;
        p.interface = std::move(i.name);
        p.address = i.address;
        p.family = i.family;
        p.link_local = i.link_local;
        p.global = i.global;
        p.tentative = i.tentative;
    }
    const auto answers = probe::ask_versions(targets, timeout); // all at once
    std::vector<std::size_t> asked; // in out; one per interface and family: few, even on a busy host
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        auto& p = out[index[chosen[k]]];
        const auto& a = answers[k];
        p.ok = a.error.empty() && a.version.has_value();
        p.detail = a.text();
        asked.push_back(index[chosen[k]]);
    }
    for (std::size_t k = 0; k < out.size(); ++k) {
        auto& p = out[k];
        if (p.tentative)
            continue;
        auto rep = std::find_if(asked.begin(), asked.end(), [&](std::size_t at) {
            return out[at].family == p.family && out[at].interface == p.interface;
        });
        if (rep != asked.end() && *rep != k)
            p.represented_by = *rep;
    }
    return out;
}

std::string host_gateway(const std::vector<Interface>& all) {
    if (auto conf = read_file("/etc/docker/daemon.json"); conf && *conf) {
        auto j = nlohmann::json::parse(**conf, nullptr, false);
        if (j.is_object() && j.contains("host-gateway-ip") && j["host-gateway-ip"].is_string())
            return j["host-gateway-ip"].get<std::string>();
    }
    for (const auto& i : all)
        if (i.family == 4 && i.name == "docker0")
            return i.address.text();
    return {};
}

std::vector<Bridge> bridges(const std::vector<Interface>& all,
                            const std::vector<probe::ListenSocket>& sockets,
                            const std::string& host_gateway) {
    std::vector<Bridge> out;
    for (const auto& i : all) {
        if (!i.container_bridge || i.family != 4)
            continue;
        Bridge b;
        b.interface = i.name;
        b.address = i.address.text();
        // Docker's containers use host-gateway; other runtimes' (podman,
        // lxc, libvirt) reach the host at their bridge's address.
        const bool docker = i.name == "docker0" || i.name.starts_with("br-");
        b.gateway = docker && !host_gateway.empty() ? host_gateway : b.address;
        b.reachable = std::any_of(sockets.begin(), sockets.end(),
                                  [&](const auto& s) { return s.accepts(b.gateway); });
        if (i.prefix > 0 && i.prefix <= 32) {
            std::uint32_t host;
            std::memcpy(&host, i.address.bytes.data(), sizeof host);
            const std::uint32_t mask = i.prefix == 32 ? ~0u : ~((1u << (32 - i.prefix)) - 1);
            const std::uint32_t net = htonl(ntohl(host) & mask);
            std::array<std::uint8_t, 4> bytes;
            std::memcpy(bytes.data(), &net, sizeof net);
            b.subnet = fmt::format("{}/{}", net::format_ipv4(bytes), i.prefix);
        }
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<probe::ListenSocket> serving_sockets(const ollama::HostSetting& want,
                                                 const std::vector<pid_t>& unit_pids) {
    std::vector<std::string> resolved;
    if (want.family() == ollama::Family::name)
        resolved = probe::resolve_host(want.host);
    return probe::find_listeners(want.host, want.port, resolved, unit_pids).serving;
}

Survey survey(const ollama::HostSetting& want, const std::vector<probe::ListenSocket>& sockets,
              std::chrono::milliseconds timeout) {
    auto all = interfaces();
    auto container_networks = bridges(all, sockets, host_gateway(all));
    auto on = covered(sockets, std::move(all));
    return {probe_addresses(want, std::move(on), timeout), std::move(container_networks)};
}

} // namespace netcfg::reach
