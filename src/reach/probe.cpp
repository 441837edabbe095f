// The host's addresses and container bridges a listener covers, asked
// with GET /api/version; the firewall is reach/firewall_read.cpp's.
#include "ollama-netcfg/probe/ollama_api.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace netcfg::reach {
namespace {

struct IfaddrsFree {
    void operator()(ifaddrs* p) const { freeifaddrs(p); }
};

bool is_bridge(const std::string& name) {
    struct stat st {};
    return stat(("/sys/class/net/" + name + "/bridge").c_str(), &st) == 0;
}

// A link-local IPv6 address is asked through its interface, the zone
// (written %25 in a URL, RFC 6874).
probe::Endpoint endpoint_of(const Interface& i, std::uint16_t port) {
    return {i.address, port, i.family == 6 && i.link_local ? i.name : std::string()};
}

// IPv6 addresses that are tentative or failed duplicate address detection,
// from /proc/net/if_inet6 (getifaddrs does not give the flags).
std::vector<std::string> tentative_ipv6() {
    std::vector<std::string> out;
    auto text = read_file("/proc/net/if_inet6");
    if (!text || !*text)
        return out;
    // "ADDRESS IFINDEX PREFIX SCOPE FLAGS NAME", one line per address: a
    // host with hundreds of addresses reads them all, so only the flags
    // are parsed, and only a flagged address is converted.
    std::string_view rest(**text);
    while (!rest.empty()) {
        const auto line = rest.substr(0, rest.find('\n'));
        rest.remove_prefix(std::min(rest.size(), line.size() + 1));
        std::array<std::string_view, 5> field;
        std::size_t at = 0, n = 0;
        for (; n < field.size(); ++n) {
            at = line.find_first_not_of(' ', at);
            if (at == std::string_view::npos)
                break;
            const auto end = std::min(line.find(' ', at), line.size());
            field[n] = line.substr(at, end - at);
            at = end;
        }
        unsigned long flags = 0;
        constexpr unsigned long tentative = 0x40, dad_failed = 0x08;
        if (n < field.size() || field[0].size() != 32 ||
            std::from_chars(field[4].data(), field[4].data() + field[4].size(), flags, 16).ec !=
                std::errc{} ||
            !(flags & (tentative | dad_failed)))
            continue;
        in6_addr a{};
        for (std::size_t i = 0; i < 16; ++i)
            std::from_chars(field[0].data() + i * 2, field[0].data() + i * 2 + 2, a.s6_addr[i], 16);
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &a, buf, sizeof buf);
        out.emplace_back(buf);
    }
    return out;
}

} // namespace

std::vector<Interface> interfaces() {
    std::vector<Interface> out;
    ifaddrs* raw = nullptr;
    if (getifaddrs(&raw) != 0)
        return out;
    std::unique_ptr<ifaddrs, IfaddrsFree> list(raw);
    const auto tentative = tentative_ipv6();
    for (auto* p = list.get(); p; p = p->ifa_next) {
        if (!p->ifa_addr ||
            (p->ifa_addr->sa_family != AF_INET && p->ifa_addr->sa_family != AF_INET6))
            continue;
        Interface i;
        i.name = p->ifa_name;
        i.family = p->ifa_addr->sa_family == AF_INET ? 4 : 6;
        char buf[INET6_ADDRSTRLEN] = {};
        if (i.family == 4) {
            const auto* a = reinterpret_cast<sockaddr_in*>(p->ifa_addr);
            inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
            i.loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
            if (p->ifa_netmask)
                i.prefix = __builtin_popcount(
                    reinterpret_cast<sockaddr_in*>(p->ifa_netmask)->sin_addr.s_addr);
        } else {
            const auto* a = reinterpret_cast<sockaddr_in6*>(p->ifa_addr);
            inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
            i.loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
            i.link_local = IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr);
        }
        i.address = buf;
        i.tentative = i.family == 6 &&
                      std::find(tentative.begin(), tentative.end(), i.address) != tentative.end();
        i.container_bridge = is_container_bridge(i.name) && is_bridge(i.name);
        out.push_back(std::move(i));
    }
    return out;
}

std::vector<AddressProbe> probe_addresses(const ollama::HostSetting& want,
                                          const std::vector<Interface>& covered,
                                          std::chrono::milliseconds timeout) {
    std::vector<AddressProbe> out;
    std::vector<std::size_t> index(covered.size(), SIZE_MAX); // covered -> out
    for (std::size_t n = 0; n < covered.size(); ++n) {
        const auto& i = covered[n];
        if (i.loopback)
            continue;
        AddressProbe p;
        p.interface = i.name;
        p.address = i.address;
        p.family = i.family;
        p.link_local = i.link_local;
        p.url = endpoint_of(i, want.port).url("/api/version");
        if (i.tentative) {
            p.skipped = "tentative: IPv6 duplicate address detection has not finished";
            p.detail = "not asked (" + p.skipped + ")";
        }
        index[n] = out.size();
        out.push_back(std::move(p));
    }
    const auto chosen = representatives(covered);
    std::vector<probe::Endpoint> targets;
    for (auto n : chosen)
        targets.push_back(endpoint_of(covered[n], want.port));
    const auto answers = probe::ask_versions(targets, timeout); // all at once
    std::map<std::pair<std::string, int>, std::size_t> asked;   // interface, family -> out
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        auto& p = out[index[chosen[k]]];
        asked[{p.interface, p.family}] = index[chosen[k]];
        const auto& a = answers[k];
        p.ok = a.error.empty() && a.version.has_value();
        p.detail = a.text();
    }
    for (std::size_t k = 0; k < out.size(); ++k) {
        auto& p = out[k];
        auto rep = asked.find({p.interface, p.family});
        if (rep == asked.end() || rep->second == k || !p.skipped.empty())
            continue;
        const auto& by = out[rep->second];
        p.represented_by = by.url;
        p.skipped = fmt::format("not asked: the same socket serves {}, which was", by.address);
        p.detail = "not asked (" + p.skipped + ")";
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
        if (i.name == "docker0" && i.family == 4)
            return i.address;
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
        b.address = i.address;
        // Docker's containers use host-gateway; other runtimes' (podman,
        // lxc, libvirt) reach the host at their bridge's address.
        const bool docker = i.name == "docker0" || i.name.starts_with("br-");
        b.gateway = docker && !host_gateway.empty() ? host_gateway : i.address;
        b.reachable = std::any_of(sockets.begin(), sockets.end(),
                                  [&](const auto& s) { return s.accepts(b.gateway); });
        in_addr a{};
        if (inet_pton(AF_INET, i.address.c_str(), &a) == 1 && i.prefix > 0 && i.prefix <= 32) {
            const std::uint32_t mask = i.prefix == 32 ? ~0u : ~((1u << (32 - i.prefix)) - 1);
            in_addr net{htonl(ntohl(a.s_addr) & mask)};
            char buf[INET_ADDRSTRLEN] = {};
            inet_ntop(AF_INET, &net, buf, sizeof buf);
            b.subnet = fmt::format("{}/{}", buf, i.prefix);
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
    auto on = covered(sockets, all);
    return {probe_addresses(want, on, timeout), bridges(all, sockets, host_gateway(all))};
}

} // namespace netcfg::reach
