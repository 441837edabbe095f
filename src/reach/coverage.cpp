#include "ollama-netcfg/reach/reach.hpp"

#include <algorithm>
#include <array>
#include <arpa/inet.h>
#include <fmt/format.h>

namespace netcfg::reach {

bool is_container_bridge(const std::string& name) { return firewall::is_container_bridge(name); }

std::vector<Interface> covered(const std::vector<probe::ListenSocket>& sockets,
                               const std::vector<Interface>& interfaces) {
    std::vector<Interface> out;
    for (const auto& i : interfaces)
        if (std::any_of(sockets.begin(), sockets.end(),
                        [&](const auto& s) { return s.accepts(i.address); }))
            out.push_back(i);
    return out;
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

std::string family_phrase(const FamilyVerdict& f, const std::string& from) {
    using firewall::Decision;
    switch (f.verdict.decision) {
    case Decision::accept:
        return from.empty() ? fmt::format("any IPv{} host", f.family)
                            : fmt::format("IPv{} hosts in {}", f.family, from);
    case Decision::drop:
    case Decision::reject:
        return fmt::format("no other IPv{} host ({} {} it)", f.family, f.verdict.backend,
                           f.verdict.decision == Decision::drop ? "drops" : "rejects");
    default:
        return fmt::format("IPv{} hosts: undecided ({} rules)", f.family, f.verdict.backend);
    }
}

} // namespace

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
    const auto& f = fw->families;
    if (f.empty() && !from.empty())
        return fmt::format("no host in {}: the listener does not accept its IP version{}", from,
                           no_auth);
    std::string out;
    if (f.size() == 2 && f[0].verdict.decision == firewall::Decision::accept &&
        f[1].verdict.decision == firewall::Decision::accept)
        out = from.empty() ? "any IPv4 and IPv6 host" : "hosts in " + from;
    else
        for (const auto& v : f)
            out += (out.empty() ? "" : ", ") + family_phrase(v, from);
    if (!from.empty())
        out += " (judged for --from " + from + ")";
    return out + std::string(no_auth);
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
            return p.name == c.name && p.family == c.family;
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
        if (p.represented_by.empty())
            continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const NotAsked& n) {
            return n.interface == p.interface && n.family == p.family;
        });
        if (it == out.end()) {
            auto asked = std::find_if(probes.begin(), probes.end(), [&](const AddressProbe& a) {
                return a.url == p.represented_by;
            });
            it = out.insert(
                out.end(), {p.interface, p.family, 0, asked == probes.end() ? "" : asked->address});
        }
        ++it->count;
    }
    return out;
}

std::string container_address(const Bridge& b) {
    in_addr a{};
    if (inet_pton(AF_INET, b.address.c_str(), &a) != 1)
        return b.address;
    in_addr next{htonl(ntohl(a.s_addr) + 1)};
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &next, buf, sizeof buf);
    return b.subnet.empty() || firewall::address_in(buf, b.subnet) ? std::string(buf) : b.address;
}

} // namespace netcfg::reach
