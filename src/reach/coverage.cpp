#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/net/address.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <fmt/format.h>

namespace netcfg::reach {

bool is_container_bridge(const std::string& name) {
    return net::is_container_bridge(name);
}

std::vector<Interface> covered(const std::vector<probe::ListenSocket>& sockets,
                               const std::vector<Interface>& interfaces) {
    return covered(sockets, std::vector<Interface>(interfaces));
}

std::vector<Interface> covered(const std::vector<probe::ListenSocket>& sockets,
                               std::vector<Interface>&& interfaces) {
    std::erase_if(interfaces, [&](const Interface& i) {
        return std::none_of(sockets.begin(), sockets.end(),
                            [&](const auto& s) { return s.accepts(i.address); });
    });
    return std::move(interfaces);
}

std::vector<int> covered_families(const std::vector<probe::ListenSocket>& sockets) {
    std::vector<int> out;
    for (int v : {4, 6})
        if (std::any_of(sockets.begin(), sockets.end(),
                        [&](const auto& s) { return s.accepts_family(v); }))
            out.push_back(v);
    return out;
}

const FamilyVerdict* Firewall::family(int version) const {
    for (const auto& f : families)
        if (f.family == version)
            return &f;
    return nullptr;
}

const FamilyVerdict* Firewall::other(int version) const {
    for (const auto& f : others)
        if (f.family == version)
            return &f;
    return nullptr;
}

firewall::Verdict summarize(const std::vector<FamilyVerdict>& families) {
    using firewall::Decision;
    firewall::Verdict v{"none", Decision::undecided, "no IP version to judge", {}};
    if (families.empty())
        return v;
    v = families.front().verdict;
    if (families.size() == 1)
        return v;
    auto blocked = [](Decision d) { return d == Decision::drop || d == Decision::reject; };
    bool any_accept = false, any_blocked = false, any_undecided = false, all_same = true;
    std::string reason;
    for (const auto& f : families) {
        const auto d = f.verdict.decision;
        any_accept = any_accept || d == Decision::accept;
        any_blocked = any_blocked || blocked(d);
        any_undecided = any_undecided || d == Decision::undecided;
        all_same = all_same && d == families.front().verdict.decision;
        reason +=
            fmt::format("{}IPv{}: {}", reason.empty() ? "" : "; ", f.family, f.verdict.reason);
    }
    v.reason = reason;
    v.decision = all_same                    ? families.front().verdict.decision
                 : any_accept && any_blocked ? Decision::partial
                 : any_undecided             ? Decision::undecided
                 : any_blocked               ? Decision::drop
                                             : Decision::accept;
    return v;
}

namespace {

using firewall::Decision;

std::string_view verb(Decision d) {
    return d == Decision::drop ? "drops" : "rejects";
}

// Any host of one IP version, or none but those a rule singles out.
std::string family_phrase(const FamilyVerdict& f) {
    switch (f.verdict.decision) {
    case Decision::accept:
        return fmt::format("any IPv{} host", f.family);
    case Decision::drop:
    case Decision::reject:
        return fmt::format("no other IPv{} host ({} {} it)", f.family, f.verdict.backend,
                           verb(f.verdict.decision));
    default:
        return fmt::format("IPv{} hosts: undecided ({} rules)", f.family, f.verdict.backend);
    }
}

// --from's IP version: the hosts in it and every other host of that version.
std::string from_phrase(const FamilyVerdict& in, const FamilyVerdict& out,
                        const std::string& from) {
    const int v = in.family;
    const auto& b = out.verdict.backend;
    if (out.verdict.decision == Decision::accept)
        return fmt::format("any IPv{} host, not only {} ({} accepts every source)", v, from, b);
    std::string others =
        out.verdict.decision == Decision::undecided
            ? fmt::format("other IPv{} hosts: undecided ({} rules)", v, b)
            : fmt::format("{} {} other IPv{} hosts", b, verb(out.verdict.decision), v);
    switch (in.verdict.decision) {
    case Decision::accept:
        return fmt::format("IPv{} hosts in {} ({})", v, from, others);
    case Decision::drop:
    case Decision::reject:
        return fmt::format("no IPv{} host in {} ({} {} it; {})", v, from, in.verdict.backend,
                           verb(in.verdict.decision), others);
    default:
        return fmt::format("IPv{} hosts in {}: undecided ({} rules; {})", v, from,
                           in.verdict.backend, others);
    }
}

} // namespace

std::string until_reboot(const Firewall& fw) {
    if (!fw.open_command.empty())
        return {}; // ufw, firewalld: their rules are kept
    std::vector<std::string> chains;
    for (const auto& f : fw.families)
        if (f.verdict.decision != Decision::accept && !f.open_command_text.empty())
            chains.push_back(f.verdict.chain);
    return firewall::until_reboot(chains);
}

std::string who_can_connect(const std::vector<int>& families, const Firewall* fw,
                            const std::string& from) {
    constexpr std::string_view no_auth = "; Ollama does not authenticate: whoever connects can "
                                         "use, pull and delete models";
    if (families.empty())
        return "no one: nothing serves the wanted address";
    if (!fw)
        return "this host only (a loopback listener)";
    if (!fw->visible)
        return fmt::format("every host that can route to it, unless a firewall stops it (not "
                           "inspected: {}){}",
                           fw->why_not, no_auth);
    // Every source is judged: with --from, the hosts in it and all others.
    const auto& all = from.empty() ? fw->families : fw->others;
    if (all.size() == 2 && all[0].verdict.decision == Decision::accept &&
        all[1].verdict.decision == Decision::accept)
        return "any IPv4 and IPv6 host" + std::string(no_auth);
    std::string out;
    if (!from.empty() && fw->families.empty())
        out = fmt::format("no host in {}: the listener does not accept its IP version", from);
    for (const auto& v : all) {
        const auto* in = from.empty() ? nullptr : fw->family(v.family);
        out += (out.empty() ? "" : ", ") + (in ? from_phrase(*in, v, from) : family_phrase(v));
    }
    return out + std::string(no_auth);
}

Status check_from_restricts(const Firewall& fw, const std::string& from, std::uint16_t port) {
    if (from.empty() || !fw.visible)
        return Ok{};
    std::string open;
    for (const auto& o : fw.others)
        if (o.verdict.decision == Decision::accept)
            open += fmt::format("{}every {}IPv{} host ({}: {})", open.empty() ? "" : " and ",
                                fw.family(o.family) ? "other " : "", o.family, o.verdict.backend,
                                o.verdict.reason);
    if (open.empty())
        return Ok{};
    const bool no_firewall = std::all_of(fw.others.begin(), fw.others.end(),
                                         [](const auto& o) { return o.verdict.backend == "none"; });
    return failure(
        fmt::format("--from {} would restrict nothing: new connections to port {} are accepted "
                    "from {}, and --open-firewall only adds an opening for {}; nothing was "
                    "changed",
                    from, port, open, from),
        no_firewall
            ? fmt::format("to let only {} in, turn on a firewall that drops the rest first "
                          "(`sudo ufw allow OpenSSH && sudo ufw enable`, or start firewalld), "
                          "then run this again; to let every host in, leave out --from",
                          from)
            : fmt::format("to let only {} in, make the firewall drop other hosts on port {} "
                          "first (its default policy, or the rule named), then run this again; "
                          "to let every host in, leave out --from",
                          from, port));
}

std::string client_export(const ollama::HostSetting& want,
                          const std::vector<probe::ListenSocket>& sockets) {
    if (want.port == ollama::default_port &&
        std::any_of(sockets.begin(), sockets.end(),
                    [](const auto& s) { return s.accepts("127.0.0.1"); }))
        return {};
    auto url = want.connect_url(); // http://HOST:PORT
    return "export OLLAMA_HOST=" + url.substr(url.find("://") + 3);
}

std::vector<std::size_t> representatives(const std::vector<Interface>& covered) {
    struct Pick {
        std::string name;
        int family;
        std::optional<std::size_t> best, link_local;
    };
    std::vector<Pick> picks;
    for (std::size_t i = 0; i < covered.size(); ++i) {
        const auto& c = covered[i];
        if (c.loopback || c.tentative)
            continue;
        auto it = std::find_if(picks.begin(), picks.end(), [&](const Pick& p) {
            return p.family == c.family && p.name == c.name; // the cheap test first
        });
        if (it == picks.end())
            it = picks.insert(picks.end(), Pick{c.name, c.family, {}, {}});
        auto& slot = c.link_local ? it->link_local : it->best;
        if (!slot)
            slot = i;
    }
    std::vector<std::size_t> out;
    for (const auto& p : picks)
        out.push_back(p.best ? *p.best : *p.link_local);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<NotAsked> not_asked(const std::vector<AddressProbe>& probes) {
    std::vector<NotAsked> out;
    for (const auto& p : probes) {
        if (!p.represented_by)
            continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const NotAsked& n) {
            return n.interface == p.interface && n.family == p.family;
        });
        if (it == out.end()) {
            const bool known = *p.represented_by < probes.size();
            it = out.insert(out.end(), {p.interface, p.family, 0,
                                        known ? probes[*p.represented_by].address.text() : ""});
        }
        ++it->count;
    }
    return out;
}

std::string skipped_text(const AddressProbe& a, const std::vector<AddressProbe>& all) {
    if (a.tentative)
        return "tentative: IPv6 duplicate address detection has not finished";
    if (a.represented_by && *a.represented_by < all.size())
        return "not asked: the same socket serves " + all[*a.represented_by].address.text() +
               ", which was";
    return {};
}

std::string detail_text(const AddressProbe& a, const std::vector<AddressProbe>& all) {
    if (a.asked())
        return a.detail;
    return "not asked (" + skipped_text(a, all) + ")";
}

std::string AddressProbe::url() const {
    return net::url_for(address.text(), port, family == 6 && link_local ? interface : "",
                        "/api/version");
}

std::string represented_by_url(const AddressProbe& a, const std::vector<AddressProbe>& all) {
    return a.represented_by && *a.represented_by < all.size() ? all[*a.represented_by].url()
                                                              : std::string();
}

std::string container_address(const Bridge& b) {
    in_addr a{};
    if (inet_pton(AF_INET, b.address.c_str(), &a) != 1)
        return b.address;
    in_addr next{htonl(ntohl(a.s_addr) + 1)};
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &next, buf, sizeof buf);
    return b.subnet.empty() || net::address_in(buf, b.subnet) ? std::string(buf) : b.address;
}

} // namespace netcfg::reach
