#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <memory>
#include <netinet/in.h>
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

std::string url_host(const Interface& i) {
    return i.family == 6 ? "[" + i.address + "]" : i.address;
}

constexpr std::chrono::milliseconds command_timeout{5000};

// ufw's own switch; `ufw status` (a Python program, ~40 ms) runs only when on.
bool ufw_enabled() {
    auto conf = read_file("/etc/ufw/ufw.conf");
    return conf && *conf && (*conf)->find("\nENABLED=yes") != std::string::npos;
}

} // namespace

std::vector<Interface> interfaces() {
    std::vector<Interface> out;
    ifaddrs* raw = nullptr;
    if (getifaddrs(&raw) != 0)
        return out;
    std::unique_ptr<ifaddrs, IfaddrsFree> list(raw);
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
        } else {
            const auto* a = reinterpret_cast<sockaddr_in6*>(p->ifa_addr);
            inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
            i.loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
            i.link_local = IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr);
        }
        i.address = buf;
        i.container_bridge = is_container_bridge(i.name) && is_bridge(i.name);
        out.push_back(std::move(i));
    }
    return out;
}

std::vector<AddressProbe> probe_addresses(const ollama::HostSetting& want,
                                          const std::vector<Interface>& covered,
                                          std::chrono::milliseconds timeout) {
    std::vector<AddressProbe> out;
    for (const auto& i : covered) {
        if (i.loopback || i.link_local)
            continue;
        AddressProbe p;
        p.interface = i.name;
        p.url = fmt::format("http://{}:{}/api/version", url_host(i), want.port);
        auto a = probe::http_get(p.url, timeout);
        auto version = a.status == 200 ? probe::parse_version(a.body) : std::nullopt;
        p.ok = a.error.empty() && version.has_value();
        p.detail = !a.error.empty() ? a.error
                   : version        ? fmt::format("HTTP 200, version {}", *version)
                                    : fmt::format("HTTP {}", a.status);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<Bridge> bridges(const std::vector<Interface>& all,
                            const std::vector<Interface>& covered) {
    std::vector<Bridge> out;
    for (const auto& i : all) {
        if (!i.container_bridge || i.family != 4)
            continue;
        bool reachable = false;
        for (const auto& c : covered)
            reachable = reachable || (c.name == i.name && c.address == i.address);
        out.push_back({i.name, i.address, reachable});
    }
    return out;
}

Firewall inspect_firewall(std::uint16_t port, int family, const std::string& from,
                          bool firewalld_active) {
    Firewall fw;
    firewall::Packet packet{family, port, std::nullopt};
    if (!from.empty()) {
        // The first address of the network stands for it.
        auto net = from.substr(0, from.find('/'));
        packet.saddr = net;
    }
    std::string open_from = from;
    if (!firewalld_active && ufw_enabled()) {
        auto r = run_command({"ufw", "status", "verbose"}, command_timeout);
        if (r && r->exit_status == 0 && r->out.find("Status: active") != std::string::npos) {
            fw.verdict = firewall::evaluate_ufw(r->out, packet);
            fw.open_command = firewall::ufw_allow(port, open_from);
            fw.open_command_text = shell_words(fw.open_command);
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
    auto json = nlohmann::json::parse(r->out.empty() ? "{}" : r->out, nullptr, false);
    if (json.is_discarded()) {
        fw.visible = false;
        fw.why_not = "nft -j list ruleset printed no JSON";
        return fw;
    }
    fw.verdict = firewall::evaluate_nft(json, packet);
    if (firewalld_active) {
        fw.verdict.backend = "firewalld";
        auto cmd = firewall::firewalld_allow(port, open_from);
        fw.open_command = cmd;
        fw.open_command_text = shell_words(cmd) + " && firewall-cmd --reload";
        return fw;
    }
    if (fw.verdict.chain.empty()) {
        fw.verdict.backend = "none";
        // Nothing in nftables; rules loaded with iptables-legacy do not show
        // there. The kernel lists the legacy tables in use: ask only then.
        auto legacy_tables = read_file("/proc/net/ip_tables_names");
        const bool legacy_in_use = legacy_tables && *legacy_tables && !(*legacy_tables)->empty();
        if (legacy_in_use && have_command("iptables-legacy")) {
            auto legacy = run_command({"iptables-legacy", "-S", "INPUT"}, command_timeout);
            if (legacy && legacy->exit_status == 0 && legacy->out.find("-P INPUT ACCEPT\n") != 0) {
                fw.verdict = {"iptables-legacy",
                              firewall::Decision::undecided,
                              "iptables-legacy has INPUT rules; this tool does not evaluate them",
                              {}};
            }
        }
        return fw;
    }
    fw.open_command_text = firewall::nft_allow(fw.verdict.chain, port, open_from);
    return fw;
}

Survey survey(const ollama::HostSetting& want, std::chrono::milliseconds timeout) {
    auto all = interfaces();
    auto on = covered(want, all, probe::ipv6_bindv6only());
    return {probe_addresses(want, on, timeout), bridges(all, on)};
}

Firewall inspect_firewall(systemd::Manager& manager, const ollama::HostSetting& want,
                          const std::string& from) {
    return inspect_firewall(want.port, want.family() == ollama::Family::ipv6 ? 6 : 4, from,
                            manager.is_active("firewalld.service"));
}

} // namespace netcfg::reach
