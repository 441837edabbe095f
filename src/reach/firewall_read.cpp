// The firewall, read once per run: ufw's `status verbose` (when ufw is on
// and loaded) or `nft -j list ruleset`, and iptables-legacy's INPUT only when
// the kernel has legacy tables and nftables decides nothing. Every port, IP
// version, source and bridge a run asks about is judged from that one
// reading; a run that changes the rules says so (changed()) and the next
// judgement reads them again.
#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace netcfg::reach {

struct FirewallReading::Snapshot {
    bool firewalld = false;
    bool visible = true;
    std::string why_not;
    std::optional<std::string> ufw; // `ufw status verbose` of an active ufw
    bool ufw_v6 = true;
    std::optional<firewall::NftRuleset> nft;
    // iptables-legacy, asked once per IP version on first need.
    std::array<std::optional<std::optional<firewall::Verdict>>, 2> legacy;
};

namespace {

constexpr std::chrono::milliseconds command_timeout{5000};

// ufw's own switch; `ufw status` (a Python program, ~40 ms) runs only when on.
bool ufw_enabled() {
    auto conf = read_file("/etc/ufw/ufw.conf");
    return conf && *conf && (*conf)->find("\nENABLED=yes") != std::string::npos;
}

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
    const int v = net::is_ipv6(from) ? 6 : 4;
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

std::unique_ptr<FirewallReading::Snapshot> read_snapshot(bool firewalld_active) {
    auto s = std::make_unique<FirewallReading::Snapshot>();
    s->firewalld = firewalld_active;
    if (!firewalld_active && ufw_enabled()) {
        auto r = run_command({"ufw", "status", "verbose"}, command_timeout);
        if (r && r->exit_status == 0 && r->out.find("Status: active") != std::string::npos) {
            s->ufw = std::move(r->out);
            s->ufw_v6 = ufw_ipv6_enabled();
            return s;
        }
        if (r && r->exit_status != 0 && r->err.find("root") != std::string::npos) {
            s->visible = false;
            s->why_not = "ufw status needs root";
            return s;
        }
    }
    if (!have_command("nft")) {
        s->visible = false;
        s->why_not = "nft is not installed; the firewall was not inspected";
        return s;
    }
    auto r = run_command({"nft", "-j", "list", "ruleset"}, command_timeout);
    if (!r || r->exit_status != 0) {
        s->visible = false;
        s->why_not =
            r ? "nft list ruleset: " + r->err.substr(0, r->err.find('\n')) : r.error().message;
        return s;
    }
    s->nft = firewall::NftRuleset::parse(r->out.empty() ? "{}" : r->out);
    if (!s->nft) {
        s->visible = false;
        s->why_not = "nft -j list ruleset printed no JSON";
    }
    return s;
}

Firewall judge_ufw(const std::string& status, bool v6, std::uint16_t port,
                   const std::vector<int>& families, const std::string& from,
                   std::vector<Bridge>* bridges) {
    Firewall fw;
    judge_all(fw, families, port, from, [&](const firewall::Packet& packet) {
        if (packet.family == 6 && !v6)
            return firewall::Verdict{"ufw",
                                     firewall::Decision::drop,
                                     "IPV6=no in /etc/default/ufw: ufw drops all IPv6 but loopback",
                                     {}};
        return firewall::evaluate_ufw(status, packet);
    });
    fw.open_command = firewall::ufw_allow(port, from);
    fw.open_command_text = shell_words(fw.open_command);
    finish(fw);
    for_bridges(bridges, [&](Bridge& b) {
        b.firewall = firewall::evaluate_ufw(status, container_packet(b, port));
        b.open_command = firewall::ufw_allow_in_on(b.interface, port);
        b.open_command_text = shell_words(b.open_command);
    });
    return fw;
}

Firewall judge_nft(FirewallReading::Snapshot& s, std::uint16_t port,
                   const std::vector<int>& families, const std::string& from,
                   std::vector<Bridge>* bridges) {
    Firewall fw;
    const bool firewalld_active = s.firewalld;
    judge_all(fw, families, port, from, [&](const firewall::Packet& packet) {
        const int v = packet.family;
        auto verdict = s.nft->evaluate(packet);
        if (firewalld_active)
            verdict.backend = "firewalld";
        else if (verdict.chain.empty()) {
            verdict.backend = "none";
            auto& asked = s.legacy[v == 6 ? 1 : 0];
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
        auto v = s.nft->evaluate(container_packet(b, port));
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

} // namespace

FirewallReading::FirewallReading(std::function<bool()> firewalld_active)
    : firewalld_active_(std::move(firewalld_active)) {}
FirewallReading::~FirewallReading() = default;
FirewallReading::FirewallReading(FirewallReading&&) noexcept = default;

void FirewallReading::changed() {
    snapshot_.reset();
}

Firewall FirewallReading::judge(std::uint16_t port, const std::vector<int>& families,
                                const std::string& from, std::vector<Bridge>* bridges) {
    if (!firewalld_)
        firewalld_ = firewalld_active_ && firewalld_active_();
    if (!snapshot_)
        snapshot_ = read_snapshot(*firewalld_);
    auto& s = *snapshot_;
    if (!s.visible) {
        Firewall fw;
        fw.visible = false;
        fw.why_not = s.why_not;
        return fw;
    }
    if (s.ufw)
        return judge_ufw(*s.ufw, s.ufw_v6, port, families, from, bridges);
    return judge_nft(s, port, families, from, bridges);
}

Firewall FirewallReading::judge(const ollama::HostSetting& want,
                                const std::vector<probe::ListenSocket>& sockets,
                                const std::string& from, std::vector<Bridge>* bridges) {
    return judge(want.port, covered_families(sockets), from, bridges);
}

} // namespace netcfg::reach
