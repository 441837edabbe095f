#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <ifaddrs.h>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <sstream>
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

constexpr std::chrono::milliseconds command_timeout{5000};

// ufw's own switch; `ufw status` (a Python program, ~40 ms) runs only when on.
bool ufw_enabled() {
    auto conf = read_file("/etc/ufw/ufw.conf");
    return conf && *conf && (*conf)->find("\nENABLED=yes") != std::string::npos;
}

// IPv6 addresses that are tentative or failed duplicate address detection,
// from /proc/net/if_inet6 (getifaddrs does not give the flags).
std::vector<std::string> tentative_ipv6() {
    std::vector<std::string> out;
    auto text = read_file("/proc/net/if_inet6");
    if (!text || !*text)
        return out;
    std::istringstream in(**text);
    std::string hex, index, prefix, scope, flags, name;
    while (in >> hex >> index >> prefix >> scope >> flags >> name) {
        constexpr unsigned long tentative = 0x40, dad_failed = 0x08;
        const unsigned long f = std::stoul(flags, nullptr, 16);
        if (hex.size() != 32 || !(f & (tentative | dad_failed)))
            continue;
        in6_addr a{};
        for (std::size_t i = 0; i < 16; ++i)
            a.s6_addr[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
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
    const auto answers = probe::get_all(targets, "/api/version", timeout); // all at once
    std::map<std::pair<std::string, int>, std::size_t> asked; // interface, family -> out
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        auto& p = out[index[chosen[k]]];
        asked[{p.interface, p.family}] = index[chosen[k]];
        const auto& a = answers[k];
        auto version = a.status == 200 ? probe::parse_version(a.body) : std::nullopt;
        p.ok = a.error.empty() && version.has_value();
        p.detail = !a.error.empty() ? a.error
                   : version        ? fmt::format("HTTP 200, version {}", *version)
                                    : fmt::format("HTTP {}", a.status);
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

namespace {

// ufw's IPv6 switch: with IPV6=no, ufw's start-up sets ip6tables' INPUT
// policy to DROP and accepts only loopback.
bool ufw_ipv6_enabled() {
    auto conf = read_file("/etc/default/ufw");
    if (!conf || !*conf)
        return true; // ufw's default
    std::string_view text = **conf;
    auto at = text.rfind("\nIPV6=");
    if (at == std::string_view::npos)
        return !text.starts_with("IPV6=") || text.substr(5, 3) == "yes";
    auto value = text.substr(at + 6, 3);
    return value == "yes" || value == "YES";
}

firewall::Packet packet_for(int family, std::uint16_t port, const std::string& from) {
    firewall::Packet packet{family, port, std::nullopt, std::nullopt, std::nullopt};
    if (!from.empty())
        packet.saddr = from.substr(0, from.find('/')); // the first address stands for the network
    return packet;
}

// The IP versions to judge: those covered, or only --from's.
std::vector<int> judged(const std::vector<int>& families, const std::string& from) {
    if (from.empty())
        return families;
    const int v = from.find(':') != std::string::npos ? 6 : 4;
    std::vector<int> out;
    for (int f : families)
        if (f == v)
            out.push_back(f);
    return out;
}

// Fills fw.families (the versions judged for `from`), fw.any_source
// (every covered version, for a source no rule singles out) and fw.others
// (with `from`: a host outside it on its version, any host on the other).
template <typename Judge>
void judge_all(Firewall& fw, const std::vector<int>& families, std::uint16_t port,
               const std::string& from, Judge judge) {
    for (int v : families) {
        FamilyVerdict any{v, judge(packet_for(v, port, {})), {}};
        if (from.empty())
            fw.families.push_back(any);
        fw.any_source.push_back(std::move(any));
    }
    if (from.empty())
        return;
    for (int v : judged(families, from)) {
        fw.families.push_back({v, judge(packet_for(v, port, from)), {}});
        auto outside = packet_for(v, port, {});
        outside.outside = from;
        fw.others.push_back({v, judge(outside), {}});
    }
    for (const auto& any : fw.any_source)
        if (!fw.other(any.family))
            fw.others.push_back(any);
    std::sort(fw.others.begin(), fw.others.end(),
              [](const auto& a, const auto& b) { return a.family < b.family; });
}

void finish(Firewall& fw) {
    fw.verdict = summarize(fw.families);
    if (!fw.open_command.empty())
        return;
    std::string text;
    for (const auto& f : fw.families)
        if (!f.open_command_text.empty() && f.verdict.decision != firewall::Decision::accept &&
            text.find(f.open_command_text) == std::string::npos)
            text += (text.empty() ? "" : " && ") + f.open_command_text;
    fw.open_command_text = text;
}

// iptables-legacy rules do not show in nftables; the kernel lists the
// legacy tables in use: ask only then.
std::optional<firewall::Verdict> legacy_verdict(int family) {
    auto names =
        read_file(family == 4 ? "/proc/net/ip_tables_names" : "/proc/net/ip6_tables_names");
    const bool in_use = names && *names && !(*names)->empty();
    const char* tool = family == 4 ? "iptables-legacy" : "ip6tables-legacy";
    if (!in_use || !have_command(tool))
        return std::nullopt;
    auto legacy = run_command({tool, "-S", "INPUT"}, command_timeout);
    if (!legacy || legacy->exit_status != 0 || legacy->out.find("-P INPUT ACCEPT\n") == 0)
        return std::nullopt;
    return firewall::Verdict{
        tool,
        firewall::Decision::undecided,
        fmt::format("{} has INPUT rules; this tool does not evaluate them", tool),
        {}};
}

// A new connection from a container on `b` to the bridge's address.
firewall::Packet container_packet(const Bridge& b, std::uint16_t port) {
    return {4, port, container_address(b), b.interface, std::nullopt};
}

// The bridges the listener covers (the others cannot connect anyway).
template <typename Judge> void for_bridges(std::vector<Bridge>* bridges, Judge judge) {
    if (!bridges)
        return;
    for (auto& b : *bridges)
        if (b.reachable)
            judge(b);
}

} // namespace

Firewall inspect_firewall(std::uint16_t port, const std::vector<int>& families,
                          const std::string& from, bool firewalld_active,
                          std::vector<Bridge>* bridges) {
    Firewall fw;
    if (!firewalld_active && ufw_enabled()) {
        auto r = run_command({"ufw", "status", "verbose"}, command_timeout);
        if (r && r->exit_status == 0 && r->out.find("Status: active") != std::string::npos) {
            const bool v6 = ufw_ipv6_enabled();
            judge_all(fw, families, port, from, [&](const firewall::Packet& packet) {
                if (packet.family == 6 && !v6)
                    return firewall::Verdict{
                        "ufw",
                        firewall::Decision::drop,
                        "IPV6=no in /etc/default/ufw: ufw drops all IPv6 but loopback",
                        {}};
                return firewall::evaluate_ufw(r->out, packet);
            });
            fw.open_command = firewall::ufw_allow(port, from);
            fw.open_command_text = shell_words(fw.open_command);
            finish(fw);
            for_bridges(bridges, [&](Bridge& b) {
                b.firewall = firewall::evaluate_ufw(r->out, container_packet(b, port));
                b.open_command = firewall::ufw_allow_in_on(b.interface, port);
                b.open_command_text = shell_words(b.open_command);
            });
            return fw;
        }
        if (r && r->exit_status != 0 && r->err.find("root") != std::string::npos) {
            fw.visible = false;
            fw.why_not = "ufw status needs root";
            return fw;
        }
    }
    if (!have_command("nft")) {
        fw.visible = false;
        fw.why_not = "nft is not installed; the firewall was not inspected";
        return fw;
    }
    auto r = run_command({"nft", "-j", "list", "ruleset"}, command_timeout);
    if (!r || r->exit_status != 0) {
        fw.visible = false;
        fw.why_not =
            r ? "nft list ruleset: " + r->err.substr(0, r->err.find('\n')) : r.error().message;
        return fw;
    }
    auto ruleset = firewall::NftRuleset::parse(r->out.empty() ? "{}" : r->out);
    if (!ruleset) {
        fw.visible = false;
        fw.why_not = "nft -j list ruleset printed no JSON";
        return fw;
    }
    // iptables-legacy is asked once per IP version, though with --from its
    // version is judged three times (--from, any source, outside --from).
    std::array<std::optional<std::optional<firewall::Verdict>>, 2> legacy;
    judge_all(fw, families, port, from, [&](const firewall::Packet& packet) {
        const int v = packet.family;
        auto verdict = ruleset->evaluate(packet);
        if (firewalld_active)
            verdict.backend = "firewalld";
        else if (verdict.chain.empty()) {
            verdict.backend = "none";
            auto& asked = legacy[v == 6 ? 1 : 0];
            if (!asked)
                asked = legacy_verdict(v);
            if (*asked)
                verdict = **asked;
        }
        return verdict;
    });
    for (auto& f : fw.families)
        if (!firewalld_active && !f.verdict.chain.empty())
            f.open_command_text = firewall::nft_allow(f.verdict.chain, port, from);
    if (firewalld_active) {
        fw.open_command = firewall::firewalld_allow(port, from);
        fw.open_command_text = shell_words(fw.open_command) + " && firewall-cmd --reload";
    }
    finish(fw);
    for_bridges(bridges, [&](Bridge& b) {
        auto v = ruleset->evaluate(container_packet(b, port));
        if (firewalld_active) {
            v.backend = "firewalld";
            b.open_command = firewall::firewalld_allow(port, b.subnet);
            b.open_command_text = shell_words(b.open_command) + " && firewall-cmd --reload";
        } else if (v.chain.empty()) {
            v.backend = "none";
        } else {
            b.open_command_text = firewall::nft_allow_in_on(v.chain, b.interface, port);
        }
        b.firewall = v;
    });
    return fw;
}

std::vector<probe::ListenSocket> serving_sockets(const ollama::HostSetting& want,
                                                 const std::vector<pid_t>& unit_pids) {
    std::vector<std::string> resolved;
    if (want.family() == ollama::Family::name)
        resolved = probe::resolve_host(want.host);
    auto all = probe::listening_sockets(want.port);
    probe::find_holders(all, unit_pids);
    std::vector<probe::ListenSocket> out;
    for (auto& s : all)
        if (!s.pids.empty() && probe::listener_covers(s, want.host, resolved))
            out.push_back(std::move(s));
    return out;
}

Survey survey(const ollama::HostSetting& want, const std::vector<probe::ListenSocket>& sockets,
              std::chrono::milliseconds timeout) {
    auto all = interfaces();
    auto on = covered(sockets, all);
    return {probe_addresses(want, on, timeout), bridges(all, sockets, host_gateway(all))};
}

Firewall inspect_firewall(systemd::Manager& manager, const ollama::HostSetting& want,
                          const std::vector<probe::ListenSocket>& sockets,
                          const std::string& from, std::vector<Bridge>* bridges) {
    return inspect_firewall(want.port, covered_families(sockets), from,
                            manager.is_active("firewalld.service"), bridges);
}

} // namespace netcfg::reach
