// The firewall, read once per run: on a host where ufw is on and loaded,
// ufw's rules from the files `ufw status` reads (user.rules, user6.rules,
// /etc/default/ufw), after asking the kernel whether ufw's chains are there
// (iptables -S, which also shows INPUT's rules ufw did not write), and
// `ufw status verbose` itself only when those files are not as ufw writes
// them; beside ufw, the nftables tables its iptables did not make (read
// only when the kernel lists one); otherwise nftables: the kernel's chain
// and rule dumps, with `nft -j list ruleset` only for what they cannot
// decide (nothing at all when the kernel says nftables has no table),
// and iptables-legacy's INPUT only when the kernel has legacy tables and
// nftables decides nothing. Every port, IP version, source and bridge a
// run asks about is judged from that one reading; a run that changes the
// rules says so (changed()) and the next judgement reads them again.
#include "ollama-netcfg/firewall/iptables.hpp"
#include "ollama-netcfg/firewall/nft_kernel.hpp"
#include "ollama-netcfg/firewall/ufw_files.hpp"
#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/probe/nftables.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"
#include "nft_reading.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <unistd.h>

namespace netcfg::reach {

struct FirewallReading::Snapshot {
    bool firewalld = false;
    bool visible = true;
    std::string why_not;
    std::optional<std::string> ufw; // `ufw status verbose` of an active ufw
    bool ufw_v6 = true;
    std::string source; // what was read before nftables: Firewall::source
    std::optional<NftReading> nft;
    // On a ufw host: INPUT's rules beside ufw's jumps (iptables -S,
    // ip6tables -S), and whether `nft` holds tables beside ufw's.
    std::array<std::optional<firewall::IptablesInput>, 2> beside_ufw;
    bool nft_beside_ufw = false;
    // iptables-legacy, asked once per IP version on first need.
    std::array<std::optional<std::optional<firewall::Verdict>>, 2> legacy;
};

namespace {

constexpr std::chrono::milliseconds command_timeout{5000};

std::string file_text(const char* path) {
    auto text = read_file(path);
    return text && *text ? **text : std::string();
}

// What ufw reads first: its switch (ENABLED), IPV6 and the policies.
firewall::UfwDefaults ufw_defaults() {
    return firewall::read_ufw_defaults(file_text("/etc/default/ufw"),
                                       file_text("/etc/ufw/ufw.conf"));
}

enum class UfwState { active, inactive, needs_root, ask_ufw };

// Whether ufw's chains are loaded, as `ufw status` asks the kernel first:
// without them ufw filters nothing, whatever its files say. The same
// `iptables -S` shows INPUT's rules ufw did not write.
UfwState ufw_chains(bool v6, FirewallReading::Snapshot& s) {
    for (const bool six : {false, true}) {
        if (six && !v6)
            break;
        const char* tool = six ? "ip6tables" : "iptables";
        if (!have_command(tool))
            return UfwState::ask_ufw;
        auto r = run_command({tool, "-S"}, command_timeout);
        if (!r)
            return UfwState::ask_ufw;
        if (r->exit_status != 0)
            return r->err.find("root") != std::string::npos ? UfwState::needs_root
                                                            : UfwState::ask_ufw;
        auto input = firewall::read_iptables_input(r->out, six);
        if (!input.ufw_loaded)
            return six ? UfwState::ask_ufw : UfwState::inactive;
        s.beside_ufw[six ? 1 : 0] = std::move(input);
    }
    return UfwState::active;
}

// The fast way to what `ufw status verbose` says: the kernel for whether
// ufw is loaded, ufw's files for its rules.
UfwState read_ufw_files(const firewall::UfwDefaults& d, FirewallReading::Snapshot& s) {
    const bool v6 = d.ipv6() && access("/proc/sys/net/ipv6", F_OK) == 0;
    auto state = ufw_chains(v6, s);
    if (state != UfwState::active)
        return state;
    auto rules = read_file("/etc/ufw/user.rules");
    auto rules6 = read_file("/etc/ufw/user6.rules");
    if (!rules || !*rules || (v6 && (!rules6 || !*rules6)))
        return UfwState::ask_ufw;
    auto text = firewall::ufw_status_from_files(
        **rules, v6 ? std::optional<std::string_view>(**rules6) : std::nullopt, d);
    if (!text)
        return UfwState::ask_ufw;
    s.ufw = std::move(*text);
    s.ufw_v6 = d.ipv6();
    s.source = v6 ? "/etc/ufw/user.rules, user6.rules; iptables -S, ip6tables -S"
                  : "/etc/ufw/user.rules; iptables -S";
    return UfwState::active;
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

// The tables iptables-nft makes, where ufw's rules (and INPUT's others)
// live; `iptables -S` reads them.
bool iptables_table(std::string_view family, std::string_view name) {
    return (family == "ip" || family == "ip6") &&
           (name == "filter" || name == "nat" || name == "mangle" || name == "raw" ||
            name == "security");
}

// nftables beside ufw: a table ufw's iptables did not make (fail2ban's,
// firewall rules added with nft, a script's) has input chains of its own,
// which a packet ufw accepts still meets. nft is started only when the
// kernel lists such a table.
void read_nft_beside_ufw(FirewallReading::Snapshot& s) {
    auto tables = probe::nftables_tables();
    if (!tables || std::all_of(tables->begin(), tables->end(), [](const probe::NftTable& t) {
            return t.dormant() || iptables_table(firewall::nft_family_name(t.family), t.name);
        }))
        return;
    std::string error;
    s.nft = NftReading::from_kernel(*tables);
    if (!s.nft)
        s.nft = NftReading::from_nft(error, &*tables);
    if (!s.nft) {
        s.visible = false;
        s.why_not = "nftables has tables beside ufw's, and they could not be read: " + error;
        return;
    }
    s.nft_beside_ufw = true;
}

std::unique_ptr<FirewallReading::Snapshot> read_snapshot(bool firewalld_active) {
    auto s = std::make_unique<FirewallReading::Snapshot>();
    s->firewalld = firewalld_active;
    // firewalld decides alone when it runs: ufw's files are not read then.
    const auto defaults = firewalld_active ? firewall::UfwDefaults{} : ufw_defaults();
    if (defaults.enabled()) {
        switch (read_ufw_files(defaults, *s)) {
        case UfwState::active:
            read_nft_beside_ufw(*s);
            return s;
        case UfwState::needs_root:
            s->visible = false;
            s->why_not = "ufw's rules need root to read";
            return s;
        case UfwState::inactive:
            break;
        case UfwState::ask_ufw:
            auto r = run_command({"ufw", "status", "verbose"}, command_timeout);
            if (r && r->exit_status == 0 && r->out.find("Status: active") != std::string::npos) {
                s->ufw = std::move(r->out);
                s->ufw_v6 = defaults.ipv6();
                s->source = "ufw status verbose";
                read_nft_beside_ufw(*s);
                return s;
            }
            if (r && r->exit_status != 0 && r->err.find("root") != std::string::npos) {
                s->visible = false;
                s->why_not = "ufw status needs root";
                return s;
            }
        }
    }
    // An empty ruleset filters nothing; the kernel says so without nft.
    const auto tables = probe::nftables_tables();
    if (tables && tables->empty()) {
        s->nft = NftReading::empty();
        return s;
    }
    if (tables && (s->nft = NftReading::from_kernel(*tables)))
        return s;
    std::string error;
    s->nft = NftReading::from_nft(error, tables ? &*tables : nullptr);
    if (!s->nft) {
        s->visible = false;
        s->why_not = error;
    }
    return s;
}

// ufw's verdict with what is beside it: INPUT's other rules, then the
// input chains of nftables tables ufw's iptables did not make (a drop in
// any base chain ends the packet; an accept only passes it to the next).
firewall::Verdict beside_ufw(FirewallReading::Snapshot& s, firewall::Verdict v,
                             const firewall::Packet& packet) {
    using firewall::Decision;
    if (const auto& input = s.beside_ufw[packet.family == 6 ? 1 : 0])
        v = firewall::with_rules_beside_ufw(*input, v, packet);
    if (!s.nft_beside_ufw || v.decision == Decision::drop || v.decision == Decision::reject)
        return v;
    auto nft = s.nft->evaluate(packet, iptables_table);
    if (nft.chain.empty() || nft.decision == Decision::accept ||
        (nft.decision == Decision::undecided && v.decision == Decision::undecided))
        return v;
    return nft;
}

Firewall judge_ufw(FirewallReading::Snapshot& s, std::uint16_t port,
                   const std::vector<int>& families, const std::string& from,
                   std::vector<Bridge>* bridges) {
    const std::string& status = *s.ufw;
    Firewall fw;
    judge_all(fw, families, port, from, [&](const firewall::Packet& packet) {
        if (packet.family == 6 && !s.ufw_v6)
            return firewall::Verdict{"ufw",
                                     firewall::Decision::drop,
                                     "IPV6=no in /etc/default/ufw: ufw drops all IPv6 but loopback",
                                     {}};
        return beside_ufw(s, firewall::evaluate_ufw(status, packet), packet);
    });
    fw.open_command = firewall::ufw_allow(port, from);
    fw.open_command_text = shell_words(fw.open_command);
    finish(fw);
    for_bridges(bridges, [&](Bridge& b) {
        const auto packet = container_packet(b, port);
        b.firewall = beside_ufw(s, firewall::evaluate_ufw(status, packet), packet);
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
        else if (verdict.chain.empty() && verdict.decision == firewall::Decision::accept) {
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
        } else if (v.chain.empty() && v.decision == firewall::Decision::accept) {
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
    Firewall fw = s.ufw ? judge_ufw(s, port, families, from, bridges)
                        : judge_nft(s, port, families, from, bridges);
    fw.source = s.source;
    if (s.nft)
        fw.source += (fw.source.empty() ? "" : "; ") + s.nft->source();
    for (const auto& f : fw.families)
        if (f.verdict.backend.ends_with("-legacy") &&
            fw.source.find(f.verdict.backend) == std::string::npos)
            fw.source += fmt::format(", {} -S INPUT", f.verdict.backend);
    return fw;
}

Firewall FirewallReading::judge(const ollama::HostSetting& want,
                                const std::vector<probe::ListenSocket>& sockets,
                                const std::string& from, std::vector<Bridge>* bridges) {
    return judge(want.port, covered_families(sockets), from, bridges);
}

} // namespace netcfg::reach
